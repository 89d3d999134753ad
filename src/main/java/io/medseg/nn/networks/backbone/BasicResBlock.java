package io.medseg.nn.networks.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.medseg.nn.layers.ConvNd;
import io.medseg.nn.layers.Norm;

/**
 * U-Mamba's {@code BasicResBlock} (copied unchanged by xLSTM-UNet), the first block of every encoder stage, of the
 * stem and of every decoder stage: conv k (stride) → IN → LReLU → conv k → IN, plus a 1×1 convolution of the input
 * with the same stride (always present: the networks construct it with {@code use_1x1conv=True}, even where the
 * channel count does not change), added, then LReLU.
 *
 * <p>Shapes: input (B, in, *S), output (B, out, *ceil(S / stride)). Convolutions have bias and He(0.01) init;
 * InstanceNorm is affine with eps 1e-5.
 *
 * <p>Parameters: conv(in, out, k) + conv(out, out, k) + 4·out (two norms) + in·out + out (the 1×1 projection).
 */
public final class BasicResBlock extends AbstractBlock {
    private final int in;
    private final int out;
    private final ConvNd conv1;
    private final Norm norm1;
    private final ConvNd conv2;
    private final Norm norm2;
    private final ConvNd projection;

    private BasicResBlock(Builder b) {
        in = b.in;
        out = b.out;
        conv1 = addChildBlock("conv1", ConvUnits.conv(b.dims, in, out, b.kernel, b.stride));
        norm1 = addChildBlock("norm1", Norm.instanceNorm(out));
        conv2 = addChildBlock("conv2", ConvUnits.conv(b.dims, out, out, b.kernel, ConvUnits.filled(b.dims, 1)));
        norm2 = addChildBlock("norm2", Norm.instanceNorm(out));
        projection = addChildBlock("conv3", ConvUnits.pointwise(b.dims, in, out, b.stride));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link BasicResBlock}; dims, channels and kernel are required, stride defaults to 1. */
    public static final class Builder {
        private int dims;
        private int in;
        private int out;
        private long[] kernel;
        private long[] stride;

        public Builder setDims(int d) {
            dims = d;
            return this;
        }

        public Builder setChannels(int inChannels, int outChannels) {
            in = inChannels;
            out = outChannels;
            return this;
        }

        /** Kernel size per axis (odd). */
        public Builder setKernel(long... perAxis) {
            kernel = perAxis.clone();
            return this;
        }

        /** Stride per axis of the first convolution and of the 1×1 projection. */
        public Builder optStride(long... perAxis) {
            stride = perAxis.clone();
            return this;
        }

        public BasicResBlock build() {
            if (kernel == null || in <= 0 || out <= 0) {
                throw new IllegalArgumentException("BasicResBlock needs positive channels and a kernel");
            }
            if (stride == null) {
                stride = ConvUnits.filled(dims, 1);
            }
            return new BasicResBlock(this);
        }
    }

    /** conv(in, out, k) + conv(out, out, k) + 4·out + in·out + out. */
    public static long parameterCount(long in, long out, long[] kernel) {
        return ConvUnits.convParameters(in, out, kernel) + ConvUnits.convParameters(out, out, kernel) + 4 * out
                + in * out + out;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray y = conv1.forward(ps, new NDList(x), training).singletonOrThrow();
        y = ConvUnits.leakyRelu(norm1.forward(ps, new NDList(y), training).singletonOrThrow());
        y = conv2.forward(ps, new NDList(y), training).singletonOrThrow();
        y = norm2.forward(ps, new NDList(y), training).singletonOrThrow();
        NDArray skip = projection.forward(ps, new NDList(x), training).singletonOrThrow();
        return new NDList(ConvUnits.leakyRelu(y.add(skip)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return conv1.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape outShape = conv1.getOutputShapes(inputShapes)[0];
        conv1.initialize(manager, dataType, inputShapes[0]);
        norm1.initialize(manager, dataType, outShape);
        conv2.initialize(manager, dataType, outShape);
        norm2.initialize(manager, dataType, outShape);
        projection.initialize(manager, dataType, inputShapes[0]);
    }

    public int inChannels() {
        return in;
    }

    public int outChannels() {
        return out;
    }
}
