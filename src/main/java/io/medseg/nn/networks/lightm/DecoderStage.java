package io.medseg.nn.networks.lightm;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.medseg.nn.layers.ConvNd;
import io.medseg.nn.layers.Resample;

/**
 * One LightM-UNet decoder step, C→C/2: a 1×1 convolution WITHOUT bias (MONAI {@code get_conv_layer}), ×2
 * non-trainable linear up-sampling (bilinear in 2D, trilinear in 3D, align_corners=False), ADDITION of the encoder
 * skip (not concatenation), then the ResUpBlocks.
 *
 * <p>Inputs: (B, C, *S) and the skip (B, C/2, *2S). Output: (B, C/2, *2S). Parameters: C²/2 + blocks·ResUpBlock(C/2).
 */
public final class DecoderStage extends AbstractBlock {
    private final int in;
    private final ConvNd reduce;
    private final List<ResUpBlock> blocks = new ArrayList<>();

    private DecoderStage(Builder b) {
        in = b.in;
        reduce = addChildBlock("up_conv", ConvNd.builder().setDims(b.dims).setChannels(in, in / 2).setKernel(1)
                .optBias(false).build());
        for (int i = 0; i < b.blocks; i++) {
            blocks.add(addChildBlock("block" + i, ResUpBlock.builder().setDims(b.dims).setChannels(in / 2)
                    .optGroups(b.groups).build()));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link DecoderStage}. */
    public static final class Builder {
        private int dims;
        private int in;
        private int blocks = 1;
        private int groups = 8;

        public Builder setDims(int d) {
            dims = d;
            return this;
        }

        /** Channels C of the coarser input; the stage outputs C/2. */
        public Builder setInChannels(int c) {
            in = c;
            return this;
        }

        public Builder setBlocks(int n) {
            blocks = n;
            return this;
        }

        public Builder optGroups(int g) {
            groups = g;
            return this;
        }

        public DecoderStage build() {
            if (in % 2 != 0 || blocks < 0) {
                throw new IllegalArgumentException("bad decoder stage: " + in + " channels, " + blocks + " blocks");
            }
            return new DecoderStage(this);
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = reduce.forward(ps, new NDList(inputs.get(0)), training).singletonOrThrow();
        NDList h = new NDList(Resample.linear2x(x).add(inputs.get(1)));
        for (ResUpBlock block : blocks) {
            h = block.forward(ps, h, training);
        }
        return h;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] { inputShapes[1] };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        reduce.initialize(manager, dataType, inputShapes[0]);
        for (ResUpBlock block : blocks) {
            block.initialize(manager, dataType, inputShapes[1]);
        }
    }
}
