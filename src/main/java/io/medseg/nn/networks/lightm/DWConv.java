package io.medseg.nn.networks.lightm;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.medseg.nn.layers.ConvNd;

/**
 * LightM-UNet's depthwise-separable convolution ({@code get_dwconv_layer}): a depthwise k^d convolution (Cin→Cin,
 * groups = Cin) followed by a pointwise 1×1 convolution (Cin→Cout). The bias flag applies to both, as in the reference;
 * padding is "same" and the stride is always 1. PyTorch default initialisation.
 *
 * <p>Shapes: (B, Cin, *S) → (B, Cout, *S), S two or three axes.
 *
 * <p>Parameters: Cin·k^d + Cin·Cout, plus Cin + Cout with bias.
 */
public final class DWConv extends AbstractBlock {
    private final int in;
    private final int out;
    private final ConvNd depthwise;
    private final ConvNd pointwise;

    private DWConv(Builder b) {
        in = b.in;
        out = b.out;
        depthwise = addChildBlock("depthwise", ConvNd.builder().setDims(b.dims).setChannels(b.in, b.in)
                .setKernel(b.kernel).optGroups(b.in).optBias(b.bias).build());
        pointwise = addChildBlock("pointwise", ConvNd.builder().setDims(b.dims).setChannels(b.in, b.out).setKernel(1)
                .optBias(b.bias).build());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link DWConv}; kernel 3 and no bias unless set. */
    public static final class Builder {
        private int dims;
        private int in;
        private int out;
        private int kernel = 3;
        private boolean bias;

        public Builder setDims(int d) {
            dims = d;
            return this;
        }

        public Builder setChannels(int inChannels, int outChannels) {
            in = inChannels;
            out = outChannels;
            return this;
        }

        /** Odd kernel size of the depthwise convolution on every axis (default 3; the head uses 1). */
        public Builder optKernel(int k) {
            kernel = k;
            return this;
        }

        public Builder optBias(boolean on) {
            bias = on;
            return this;
        }

        public DWConv build() {
            if (kernel < 1 || kernel % 2 == 0) {
                throw new IllegalArgumentException("DWConv needs an odd kernel, got " + kernel);
            }
            return new DWConv(this);
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return pointwise.forward(ps, depthwise.forward(ps, inputs, training), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return pointwise.getOutputShapes(depthwise.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        depthwise.initialize(manager, dataType, inputShapes);
        pointwise.initialize(manager, dataType, depthwise.getOutputShapes(inputShapes));
    }

    public int inChannels() {
        return in;
    }

    public int outChannels() {
        return out;
    }
}
