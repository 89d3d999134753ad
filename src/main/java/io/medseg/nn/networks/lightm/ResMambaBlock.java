package io.medseg.nn.networks.lightm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.medseg.nn.layers.Norm;

/**
 * LightM-UNet's encoder block, a pre-activation residual pair of RVM layers (C→C each):
 *
 * <pre>
 *   Y = X + RVM₂(ReLU(GN₂(RVM₁(ReLU(GN₁(X))))))
 * </pre>
 *
 * GN is GroupNorm(8, C) with affine γ, β. Shapes: (B, C, *S) → (B, C, *S). Parameters: 2·RVM(C→C) + 4C.
 */
public final class ResMambaBlock extends AbstractBlock {
    private final int channels;
    private final Norm norm1;
    private final RvmLayer rvm1;
    private final Norm norm2;
    private final RvmLayer rvm2;

    private ResMambaBlock(Builder b) {
        channels = b.channels;
        norm1 = addChildBlock("norm1", Norm.groupNorm(b.groups, channels));
        rvm1 = addChildBlock("rvm1", RvmLayer.builder().setChannels(channels, channels).optCheckpoint(b.checkpoint)
                .build());
        norm2 = addChildBlock("norm2", Norm.groupNorm(b.groups, channels));
        rvm2 = addChildBlock("rvm2", RvmLayer.builder().setChannels(channels, channels).optCheckpoint(b.checkpoint)
                .build());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ResMambaBlock}: GroupNorm with 8 groups and checkpointed RVM layers unless set. */
    public static final class Builder {
        private int channels;
        private int groups = 8;
        private boolean checkpoint = true;

        public Builder setChannels(int c) {
            channels = c;
            return this;
        }

        public Builder optGroups(int g) {
            groups = g;
            return this;
        }

        /** Whether each RVM layer is a checkpointed segment (see {@link RvmLayer}). */
        public Builder optCheckpoint(boolean on) {
            checkpoint = on;
            return this;
        }

        public ResMambaBlock build() {
            return new ResMambaBlock(this);
        }
    }

    /** The exact parameter count 2·RVM(C→C) + 4C. */
    public static long parameterCount(long c) {
        return 2 * RvmLayer.parameterCount(c, c) + 4 * c;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray h = Activation.relu(norm1.forward(ps, inputs, training).singletonOrThrow());
        h = rvm1.forward(ps, new NDList(h), training).singletonOrThrow();
        h = Activation.relu(norm2.forward(ps, new NDList(h), training).singletonOrThrow());
        h = rvm2.forward(ps, new NDList(h), training).singletonOrThrow();
        return new NDList(h.add(x));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] { inputShapes[0] };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (var child : getChildren().values()) {
            child.initialize(manager, dataType, inputShapes);
        }
    }

    public int channels() {
        return channels;
    }
}
