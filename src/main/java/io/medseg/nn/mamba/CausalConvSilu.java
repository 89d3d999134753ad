package io.medseg.nn.mamba;

import static io.medseg.nn.mamba.TensorCopies.read;
import static io.medseg.nn.mamba.TensorCopies.write;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.medseg.nn.CausalDepthwiseConv1d;
import io.medseg.nn.Functions;
import io.medseg.nn.checkpoint.CheckpointTape;
import io.medseg.nn.checkpoint.ExplicitGradient;

/**
 * SiLU of the causal depthwise convolution, silu(conv1d(x)), on (B, L, E) tokens, as Mamba and ViL apply it to the
 * in-projection's x branch. On the CPU in FLOAT32, in inference and inside a checkpointed segment of a recording
 * {@link CheckpointTape} ({@link CheckpointTape#isRecordingInSegment}: Mamba blocks and RVM layers are such segments,
 * ViL blocks are not, and on the network's own tape each gradient push would run back through all earlier layers),
 * it is one pass of Java loops over the tokens in their own layout ({@link ConvSiluLoops}) with an analytic backward, as a
 * segment whose gradients the tape injects: PyTorch's way transposes the tokens, pads them by concatenation, runs a
 * grouped convolution, copies the result back into token order and applies a sigmoid and a product, each a pass over
 * B·L·E values with its own backward (measured on a 2-core AVX-512 Xeon: a third of a Mamba block's training step at
 * L = 16,384 outside the scan). Elsewhere (GPUs, other types, plain autograd, ViL training) it is that tensor form.
 *
 * <p>Work split: {@link BatchRuns} of tokens (all channels); the
 * weight and bias gradients are summed per task in float and over tasks in double, in task order, so the results do
 * not depend on scheduling. The backward recomputes the convolution from x instead of keeping it.
 */
public final class CausalConvSilu implements ExplicitGradient {
    static final ConvSiluLoops LOOPS = ConvSiluLoops.best();
    private final int kernel;
    private final ConvSiluLoops loops;
    /** Where the output parts after the first start along L (none: one output). */
    private final long[] partStarts;

    /** The kernel for taps of {@code kernel} with the given loops (tests compare the scalar and the SIMD ones). */
    CausalConvSilu(int kernel, ConvSiluLoops loops) {
        this(kernel, loops, new long[0]);
    }

    private CausalConvSilu(int kernel, ConvSiluLoops loops, long[] partStarts) {
        this.kernel = kernel;
        this.loops = loops;
        this.partStarts = partStarts;
    }

    /** silu(conv1d(x)) for x (B, L, E), weight (E, 1, k) and bias (E): the kernel where it applies, else tensors. */
    public static NDArray apply(NDArray x, NDArray weight, NDArray bias, int kernel) {
        if (TensorCopies.kernelTakes(x, weight, bias)) {
            return CheckpointTape.checkpoint(new CausalConvSilu(kernel, LOOPS), new NDList(x, weight, bias))
                    .singletonOrThrow();
        }
        return Functions.silu(CausalDepthwiseConv1d.apply(x, weight, bias, kernel));
    }

    /**
     * {@link #apply(NDArray, NDArray, NDArray, int)} as consecutive parts of the sequence axis, starting at 0 and at
     * each of {@code partStarts}: separate arrays, so that a consumer of one part (a Mamba block's scan of that part)
     * pushes its gradient into that part alone rather than into a slice of the whole.
     */
    public static NDList applyParts(NDArray x, NDArray weight, NDArray bias, int kernel, long[] partStarts) {
        if (TensorCopies.kernelTakes(x, weight, bias)) {
            return CheckpointTape.checkpoint(new CausalConvSilu(kernel, LOOPS, partStarts.clone()),
                    new NDList(x, weight, bias));
        }
        return apply(x, weight, bias, kernel).split(partStarts, 1);
    }

    @Override
    public NDList apply(NDList inputs) {
        Shape shape = inputs.get(0).getShape();
        int length = (int) shape.get(1);
        int channels = (int) shape.get(2);
        BatchRuns runs = new BatchRuns((int) shape.get(0), length, channels);
        FloatSlots arrays = BlockArrays.current();
        float[] x = read(inputs.get(0), arrays, BlockArrays.U);
        float[] wT = transposedWeights(inputs.get(1), channels);
        float[] bias = read(inputs.get(2));
        float[] u = arrays.take(BlockArrays.Y, Math.toIntExact(shape.size()));
        runs.run(t -> loops.forward(x, runs.batchIndex(t) * length * channels, channels, runs.from(t), runs.to(t), 0,
                channels, wT, kernel, bias, u));
        if (partStarts.length == 0) {
            return new NDList(write(inputs.get(0), u, shape));
        }
        NDList parts = new NDList(partStarts.length + 1);
        for (int k = 0; k <= partStarts.length; k++) {
            parts.add(TensorCopies.writeTokens(inputs.get(0), u, (int) shape.get(0), length, channels, partFrom(k),
                    partTo(k, length)));
        }
        return parts;
    }

    private int partFrom(int k) {
        return k == 0 ? 0 : (int) partStarts[k - 1];
    }

    private int partTo(int k, int length) {
        return k == partStarts.length ? length : (int) partStarts[k];
    }

    /** The upstream gradient of the whole output as one array (zero for parts that reached no loss), or null. */
    private float[] upstream(NDList outputGradients, Shape shape, FloatSlots arrays) {
        if (outputGradients.stream().allMatch(g -> g == null)) {
            return null;
        }
        if (partStarts.length == 0) {
            return read(outputGradients.get(0), arrays, BlockArrays.GY);
        }
        int length = (int) shape.get(1);
        int channels = (int) shape.get(2);
        float[] gu = arrays.take(BlockArrays.GY, Math.toIntExact(shape.size()));
        for (int k = 0; k <= partStarts.length; k++) {
            NDArray g = outputGradients.get(k);
            if (g != null) {
                TensorCopies.readTokens(g, gu, length, channels, partFrom(k));
            } else {
                for (int b = 0; b < shape.get(0); b++) {
                    java.util.Arrays.fill(gu, (b * length + partFrom(k)) * channels,
                            (b * length + partTo(k, length)) * channels, 0f);
                }
            }
        }
        return gu;
    }

    @Override
    public NDList gradients(NDList inputs, NDList outputGradients) {
        Shape shape = inputs.get(0).getShape();
        FloatSlots arrays = BlockArrays.current();
        float[] gu = upstream(outputGradients, shape, arrays);
        if (gu == null) {
            return new NDList(null, null, null);
        }
        int length = (int) shape.get(1);
        int channels = (int) shape.get(2);
        int size = Math.toIntExact(shape.size());
        BatchRuns runs = new BatchRuns((int) shape.get(0), length, channels);
        float[] x = read(inputs.get(0), arrays, BlockArrays.U);
        float[] wT = transposedWeights(inputs.get(1), channels);
        float[] bias = read(inputs.get(2));
        float[] g = arrays.take(BlockArrays.GDELTA, size);
        float[] gx = arrays.take(BlockArrays.GU, size);
        float[][] gw = new float[runs.tasks][kernel * channels];
        float[][] gb = new float[runs.tasks][channels];
        runs.run(t -> loops.backward(x, runs.batchIndex(t) * length * channels, channels, runs.from(t), runs.to(t), 0,
                channels, wT, kernel, bias, gu, g, gw[t], gb[t]));
        runs.run(t -> loops.inputGradient(g, runs.batchIndex(t) * length * channels, channels, length, runs.from(t),
                runs.to(t), 0, channels, wT, kernel, gx));
        float[] gWeight = new float[kernel * channels]; // (E, 1, k)
        float[] gBias = new float[channels];
        for (int e = 0; e < channels; e++) {
            double sb = 0;
            for (float[] part : gb) {
                sb += part[e];
            }
            gBias[e] = (float) sb;
            for (int j = 0; j < kernel; j++) {
                double sw = 0;
                for (float[] part : gw) {
                    sw += part[j * channels + e];
                }
                gWeight[e * kernel + j] = (float) sw;
            }
        }
        NDArray like = inputs.get(0);
        return new NDList(write(like, gx, shape), write(like, gWeight, inputs.get(1).getShape()),
                write(like, gBias, inputs.get(2).getShape()));
    }

    /** The (E, 1, k) weights as (k, E). */
    private float[] transposedWeights(NDArray weight, int channels) {
        float[] w = read(weight);
        float[] wT = new float[w.length];
        for (int e = 0; e < channels; e++) {
            for (int j = 0; j < kernel; j++) {
                wT[j * channels + e] = w[e * kernel + j];
            }
        }
        return wT;
    }
}
