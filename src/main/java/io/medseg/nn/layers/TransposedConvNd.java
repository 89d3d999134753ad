package io.medseg.nn.layers;

import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.medseg.nn.MixedPrecision;

/**
 * A 2D or 3D transposed convolution whose kernel equals its stride (nnU-Net's up-sampling), in PyTorch's parameter
 * layout: weight (Cin, Cout, *k), bias (Cout). The kernel windows do not overlap, so it is one matrix product,
 * (B·∏S, Cin) × (Cin, Cout·∏k), whose result is interleaved into the output grid: out[b, o, s·k + r] = bias[o] +
 * Σ_c x[b, c, s]·w[c, o, r]. (DJL's PyTorch engine has no 3D deconvolution; this also trains, through autograd.)
 *
 * <p>Shapes: input (B, Cin, *S), output (B, Cout, *(S·k)).
 */
public final class TransposedConvNd extends AbstractBlock {
    private final int dims;
    private final int in;
    private final int out;
    private final long[] kernel;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * @param kernel kernel size = stride per axis
     * @param withBias whether the convolution has a bias (nnU-Net: conv_bias)
     */
    public TransposedConvNd(int in, int out, long[] kernel, boolean withBias, WeightInit init) {
        this.dims = kernel.length;
        this.in = in;
        this.out = out;
        this.kernel = kernel.clone();
        long volume = Arrays.stream(kernel).reduce(1, (a, b) -> a * b);
        long fanIn = out * volume; // PyTorch's fan-in of a transposed convolution's weight (dim 1 · kernel)
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(in, out).addAll(new Shape(kernel))).optInitializer(init.weight(fanIn)).build());
        bias = withBias ? addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(out)).optInitializer(init.bias(fanIn)).build()) : null;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = MixedPrecision.value(ps, weight, x, training);
        long[] s = x.getShape().getShape();
        int[] channelsLast = new int[dims + 2];
        channelsLast[0] = 0;
        for (int a = 0; a < dims; a++) {
            channelsLast[a + 1] = a + 2;
        }
        channelsLast[dims + 1] = 1;
        NDArray rows = x.transpose(channelsLast).reshape(-1, in); // (B·∏S, Cin)
        NDArray y = rows.matMul(w.reshape(in, -1)); // (B·∏S, Cout·∏k)
        long[] grid = new long[2 * dims + 2]; // (B, *S, Cout, *k)
        grid[0] = s[0];
        for (int a = 0; a < dims; a++) {
            grid[a + 1] = s[a + 2];
            grid[dims + 2 + a] = kernel[a];
        }
        grid[dims + 1] = out;
        int[] interleave = new int[2 * dims + 2]; // (B, Cout, S1, k1, S2, k2, ...)
        interleave[0] = 0;
        interleave[1] = dims + 1;
        for (int a = 0; a < dims; a++) {
            interleave[2 + 2 * a] = a + 1;
            interleave[3 + 2 * a] = dims + 2 + a;
        }
        NDArray result = y.reshape(new Shape(grid)).transpose(interleave).reshape(outputShape(x.getShape()));
        if (bias != null) {
            long[] broadcast = new long[dims + 2];
            Arrays.fill(broadcast, 1);
            broadcast[1] = out;
            result = result.add(MixedPrecision.value(ps, bias, x, training).reshape(new Shape(broadcast)));
        }
        return new NDList(result);
    }

    private Shape outputShape(Shape input) {
        long[] o = new long[dims + 2];
        o[0] = input.get(0);
        o[1] = out;
        for (int a = 0; a < dims; a++) {
            o[a + 2] = input.get(a + 2) * kernel[a];
        }
        return new Shape(o);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] { outputShape(inputShapes[0]) };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // no children
    }
}
