package io.medseg.nn.networks.lightm;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One LightM-UNet encoder stage. Stage 0 is just its ResMambaBlocks; a deeper stage first runs an RVM layer that
 * doubles the channels AT THE PREVIOUS (higher) RESOLUTION and then max-pools by 2 (kernel 2, stride 2), as the
 * released code does (the paper's figure pools after the blocks instead).
 *
 * <p>Shapes: stage 0 (B, C, *S) → (B, C, *S); deeper stages (B, C/2, *S) → (B, C, *S/2), every axis of S even.
 * Parameters: [RVM(C/2→C)] + blocks·ResMambaBlock(C).
 */
public final class EncoderStage extends AbstractBlock {
    private final int channels;
    private final RvmLayer down;
    private final List<ResMambaBlock> blocks = new ArrayList<>();

    private EncoderStage(Builder b) {
        channels = b.channels;
        down = b.downsample ? addChildBlock("down", RvmLayer.builder().setChannels(channels / 2, channels)
                .optMaxPool(true).optCheckpoint(b.checkpoint).build()) : null;
        for (int i = 0; i < b.blocks; i++) {
            blocks.add(addChildBlock("block" + i, ResMambaBlock.builder().setChannels(channels).optGroups(b.groups)
                    .optCheckpoint(b.checkpoint).build()));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link EncoderStage}. */
    public static final class Builder {
        private int dims;
        private int channels;
        private int blocks;
        private boolean downsample;
        private int groups = 8;
        private boolean checkpoint = true;

        public Builder setDims(int d) {
            dims = d;
            return this;
        }

        /** The stage's channels C; a downsampling stage takes C/2. */
        public Builder setChannels(int c) {
            channels = c;
            return this;
        }

        public Builder setBlocks(int n) {
            blocks = n;
            return this;
        }

        /** Whether the stage starts with the channel-doubling RVM layer and the ×2 max-pool (every stage but 0). */
        public Builder setDownsample(boolean on) {
            downsample = on;
            return this;
        }

        public Builder optGroups(int g) {
            groups = g;
            return this;
        }

        public Builder optCheckpoint(boolean on) {
            checkpoint = on;
            return this;
        }

        public EncoderStage build() {
            if (dims != 2 && dims != 3) {
                throw new IllegalArgumentException("encoder stages are 2D or 3D, got " + dims);
            }
            if (blocks < 0 || (downsample && channels % 2 != 0)) {
                throw new IllegalArgumentException("bad encoder stage: " + channels + " channels, " + blocks + " blocks");
            }
            return new EncoderStage(this);
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = inputs;
        if (down != null) {
            x = down.forward(ps, x, training); // the RVM layer ends with the max-pool
        }
        for (ResMambaBlock block : blocks) {
            x = block.forward(ps, x, training);
        }
        return x;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        long[] out = s.getShape().clone(); // not the caller's shape's own array
        out[1] = channels;
        if (down != null) {
            for (int i = 2; i < out.length; i++) {
                out[i] /= 2;
            }
        }
        return new Shape[] { new Shape(out) };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (down != null) {
            down.initialize(manager, dataType, inputShapes);
        }
        Shape[] stageShape = getOutputShapes(inputShapes);
        for (ResMambaBlock block : blocks) {
            block.initialize(manager, dataType, stageShape);
        }
    }

    public int channels() {
        return channels;
    }
}
