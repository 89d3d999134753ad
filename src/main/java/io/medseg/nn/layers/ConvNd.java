package io.medseg.nn.layers;

import io.medseg.nn.MixedPrecision;
import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A 2D or 3D convolution with PyTorch's parameter layout and the reference code's initialisation. Padding is "same"
 * for odd kernels (k // 2 per axis), as every convolution in these networks uses.
 *
 * <p>Shapes: input (B, Cin, *S), weight (Cout, Cin/groups, *k), output (B, Cout, *ceil(S/stride)) for odd kernels.
 */
public final class ConvNd extends AbstractBlock {
    private final int dims;
    private final int in;
    private final int out;
    private final long[] kernel;
    private final long[] stride;
    private final int groups;
    private final Parameter weight;
    private final Parameter bias;

    private ConvNd(Builder b) {
        dims = b.dims;
        in = b.in;
        out = b.out;
        kernel = b.kernel;
        stride = b.stride;
        groups = b.groups;
        long fanIn = (long) (in / groups) * Arrays.stream(kernel).reduce(1, (x, y) -> x * y);
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in / groups).addAll(new Shape(kernel))).optInitializer(b.init.weight(fanIn))
                .build());
        bias = b.bias ? addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(out)).optInitializer(b.init.bias(fanIn)).build()) : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ConvNd}. */
    public static final class Builder {
        private int dims = 2;
        private int in;
        private int out;
        private long[] kernel;
        private long[] stride;
        private int groups = 1;
        private boolean bias = true;
        private WeightInit init = WeightInit.TORCH_DEFAULT;

        public Builder setDims(int d) {
            dims = d;
            return this;
        }

        public Builder setChannels(int inChannels, int outChannels) {
            in = inChannels;
            out = outChannels;
            return this;
        }

        /** One kernel size for every axis. */
        public Builder setKernel(int k) {
            kernel = null;
            this.k = k;
            return this;
        }

        private int k = 1;

        /** Kernel size per axis, e.g. {1, 3, 3} for nnU-Net's anisotropic 3D stages. */
        public Builder setKernel(long... perAxis) {
            kernel = perAxis.clone();
            return this;
        }

        public Builder optStride(long... perAxis) {
            stride = perAxis.clone();
            return this;
        }

        public Builder optGroups(int g) {
            groups = g;
            return this;
        }

        public Builder optBias(boolean on) {
            bias = on;
            return this;
        }

        public Builder optInit(WeightInit i) {
            init = i;
            return this;
        }

        public ConvNd build() {
            if (dims != 2 && dims != 3) {
                throw new IllegalArgumentException("convolutions are 2D or 3D, got " + dims);
            }
            if (kernel == null) {
                kernel = new long[dims];
                Arrays.fill(kernel, k);
            }
            if (stride == null) {
                stride = new long[dims];
                Arrays.fill(stride, 1);
            }
            if (kernel.length != dims || stride.length != dims) {
                throw new IllegalArgumentException("kernel and stride need " + dims + " entries");
            }
            if (in <= 0 || out <= 0 || in % groups != 0 || out % groups != 0) {
                throw new IllegalArgumentException("channels " + in + "->" + out + " do not fit " + groups + " groups");
            }
            return new ConvNd(this);
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = MixedPrecision.value(ps, weight, x, training);
        NDArray b = bias == null ? null : MixedPrecision.value(ps, bias, x, training);
        return new NDList(apply(x, w, b));
    }

    private NDArray apply(NDArray x, NDArray w, NDArray b) {
        long[] pad = new long[dims];
        long[] dil = new long[dims];
        for (int i = 0; i < dims; i++) {
            pad[i] = kernel[i] / 2;
            dil[i] = 1;
        }
        return FullChannelBlocks.convolve(x, w, b, groups, (xs, ws, bs, g) -> dims == 2
                ? Conv2d.conv2d(xs, ws, bs, new Shape(stride), new Shape(pad), new Shape(dil), g).singletonOrThrow()
                : Conv3d.conv3d(xs, ws, bs, new Shape(stride), new Shape(pad), new Shape(dil), g).singletonOrThrow());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        long[] o = new long[dims + 2];
        o[0] = s.get(0);
        o[1] = out;
        for (int i = 0; i < dims; i++) {
            long size = s.get(i + 2);
            o[i + 2] = (size + 2 * (kernel[i] / 2) - kernel[i]) / stride[i] + 1;
        }
        return new Shape[] { new Shape(o) };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // no children
    }

    public int outChannels() {
        return out;
    }

    /** Multiply-accumulates for an output of {@code outputVoxels} voxels per sample (bias not counted). */
    public long macs(long outputVoxels) {
        return outputVoxels * out * (long) (in / groups) * Arrays.stream(kernel).reduce(1, (x, y) -> x * y);
    }
}
