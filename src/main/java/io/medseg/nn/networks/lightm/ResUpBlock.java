package io.medseg.nn.networks.lightm;

import io.medseg.nn.MixedPrecision;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import io.medseg.nn.layers.Norm;

/**
 * LightM-UNet's decoder block:
 *
 * <pre>
 *   U = DWConv₃(ReLU(GN₁(X))) + s·X      s a learnable scalar, init 1; the skip adds the ORIGINAL X
 *   Y = ReLU(GN₂(U))
 * </pre>
 *
 * DWConv₃ is a depthwise 3^d plus pointwise 1×1 convolution, both without bias; GN is GroupNorm(8, C).
 *
 * <p>Shapes: (B, C, *S) → (B, C, *S). Parameters: 4C + C·3^d + C² + 1.
 */
public final class ResUpBlock extends AbstractBlock {
    private final int channels;
    private final Norm norm1;
    private final DWConv conv;
    private final Parameter skipScale;
    private final Norm norm2;

    private ResUpBlock(Builder b) {
        channels = b.channels;
        norm1 = addChildBlock("norm1", Norm.groupNorm(b.groups, channels));
        conv = addChildBlock("conv", DWConv.builder().setDims(b.dims).setChannels(channels, channels).optKernel(3)
                .optBias(false).build());
        skipScale = addParameter(Parameter.builder().setName("skip_scale").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1)).optInitializer(new ConstantInitializer(1f)).build());
        norm2 = addChildBlock("norm2", Norm.groupNorm(b.groups, channels));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ResUpBlock}; GroupNorm with 8 groups unless set. */
    public static final class Builder {
        private int dims;
        private int channels;
        private int groups = 8;

        public Builder setDims(int d) {
            dims = d;
            return this;
        }

        public Builder setChannels(int c) {
            channels = c;
            return this;
        }

        public Builder optGroups(int g) {
            groups = g;
            return this;
        }

        public ResUpBlock build() {
            return new ResUpBlock(this);
        }
    }

    /** The exact parameter count 4C + C·3^d + C² + 1. */
    public static long parameterCount(int dims, long c) {
        return 4 * c + c * (long) Math.pow(3, dims) + c * c + 1;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray h = Activation.relu(norm1.forward(ps, inputs, training).singletonOrThrow());
        h = conv.forward(ps, new NDList(h), training).singletonOrThrow();
        h = h.add(x.mul(MixedPrecision.value(ps, skipScale, x, training)));
        return new NDList(Activation.relu(norm2.forward(ps, new NDList(h), training).singletonOrThrow()));
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
