package io.medseg.nn.networks.backbone;

import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.medseg.MedSegException;
import io.medseg.nn.networks.BackbonePlan;

/**
 * The nnU-Net-planned residual UNet that U-Mamba and xLSTM-UNet are built on, with the sequence layers placed by a
 * {@link SequenceLayerPlacement}: {@link ResidualEncoder} (stem, stages, mixers) then {@link ResidualDecoder}
 * (nearest up-sampling, 1×1 conv, skip concatenation, residual blocks, segmentation heads).
 *
 * <p>Input: (B, in, *S) with S divisible by the total stride on every axis (the network does not pad; see
 * {@link BackboneLayout}). Networks with channel-token layers (Enc variants on small maps) take exactly the patch size
 * they were built for, since those layers' width is a voxel count. Output: logits (B, classes, *S_i), full resolution
 * first, one per decoder stage with deep supervision, else only the full-resolution one.
 *
 * <p>Initialisation: every Conv2d/Conv3d of the backbone (blocks, projections, up-sampling convs, heads) He-normal with
 * a = 0.01 and zero bias; InstanceNorm and LayerNorm weight 1, bias 0; the Mamba and ViL layers keep their own init.
 * All draws come from the engine's seeded generator.
 */
public final class ResidualUNet extends AbstractBlock {
    private final BackboneLayout layout;
    private final int inChannels;
    private final int classes;
    private final ResidualEncoder encoder;
    private final ResidualDecoder decoder;

    private ResidualUNet(Builder b) {
        layout = BackboneLayout.of(b.plan, b.placement, b.patchSize);
        inChannels = b.inChannels;
        classes = b.classes;
        encoder = addChildBlock("encoder", new ResidualEncoder(layout, inChannels));
        decoder = addChildBlock("decoder", new ResidualDecoder(layout, classes, b.deepSupervision));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ResidualUNet}; plan, channels and patch size are required. */
    public static final class Builder {
        private BackbonePlan plan;
        private SequenceLayerPlacement placement = SequenceLayerPlacement.NONE;
        private int inChannels;
        private int classes;
        private boolean deepSupervision;
        private long[] patchSize;

        public Builder setPlan(BackbonePlan p) {
            plan = p;
            return this;
        }

        /** Where the sequence layers go; default none (the plain residual UNet). */
        public Builder optPlacement(SequenceLayerPlacement p) {
            placement = p;
            return this;
        }

        public Builder setChannels(int in, int outClasses) {
            inChannels = in;
            classes = outClasses;
            return this;
        }

        public Builder optDeepSupervision(boolean on) {
            deepSupervision = on;
            return this;
        }

        /**
         * The spatial size of the training patch, one entry per axis. The Enc variants decide channel-token mode from
         * the stage map sizes it implies, so the network is built for it; it must be divisible by the total stride.
         */
        public Builder setPatchSize(long... size) {
            patchSize = size.clone();
            return this;
        }

        public ResidualUNet build() {
            if (plan == null || patchSize == null) {
                throw new IllegalArgumentException("a ResidualUNet needs a backbone plan and a patch size");
            }
            if (inChannels < 1 || classes < 2) {
                throw new IllegalArgumentException("need at least 1 input channel and 2 classes");
            }
            return new ResidualUNet(this);
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        checkInput(x.getShape());
        return decoder.forward(ps, encoder.forward(ps, new NDList(x), training), training);
    }

    /** Rejects inputs the network cannot process with one message the user can act on. */
    private void checkInput(Shape shape) {
        int dims = layout.dims();
        if (shape.dimension() != dims + 2 || shape.get(1) != inChannels) {
            throw new MedSegException("the network expects input (batch, " + inChannels + ", " + dims
                    + " spatial axes), got " + shape);
        }
        long[] spatial = shape.slice(2).getShape();
        BackboneLayout.checkDivisible(spatial, layout.totalStride(), "input size");
        if (layout.usesChannelTokens() && !Arrays.equals(spatial, layout.patchSize())) {
            throw new MedSegException("input size " + Arrays.toString(spatial) + " differs from the patch size "
                    + Arrays.toString(layout.patchSize()) + " this network was built for; its channel-token layers"
                    + " only accept that size");
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return decoder.getOutputShapes(encoder.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        checkInput(inputShapes[0]);
        encoder.initialize(manager, dataType, inputShapes[0]);
        decoder.initialize(manager, dataType, encoder.getOutputShapes(inputShapes));
    }

    public BackboneLayout layout() {
        return layout;
    }

    public ResidualEncoder encoder() {
        return encoder;
    }

    public ResidualDecoder decoder() {
        return decoder;
    }

    public int inChannels() {
        return inChannels;
    }

    public int classes() {
        return classes;
    }
}
