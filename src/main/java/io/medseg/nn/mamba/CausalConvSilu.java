package io.medseg.nn.mamba;

import static io.medseg.nn.mamba.TensorCopies.read;
import static io.medseg.nn.mamba.TensorCopies.write;

import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
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

    /** The kernel for taps of {@code kernel} with the given loops (tests compare the scalar and the SIMD ones). */
    CausalConvSilu(int kernel, ConvSiluLoops loops) {
        this.kernel = kernel;
        this.loops = loops;
    }

    /** silu(conv1d(x)) for x (B, L, E), weight (E, 1, k) and bias (E): the kernel where it applies, else tensors. */
    public static NDArray apply(NDArray x, NDArray weight, NDArray bias, int kernel) {
        return applyParts(new NDList(x), weight, bias, kernel).singletonOrThrow();
    }

    /**
     * {@link #apply(NDArray, NDArray, NDArray, int)} of a sequence given as consecutive parts (B, T_k, E) along L, and
     * returned as such parts: separate arrays, so that each consumer of a part (a Mamba block's scan of that part)
     * pushes its gradient into that part alone, and no (B, L, E) array of the whole sequence is needed.
     */
    public static NDList applyParts(NDList parts, NDArray weight, NDArray bias, int kernel) {
        NDList inputs = new NDList(parts);
        inputs.add(weight);
        inputs.add(bias);
        if (TensorCopies.kernelTakes(inputs.toArray(new NDArray[0]))) {
            return CheckpointTape.checkpoint(new CausalConvSilu(kernel, LOOPS), inputs);
        }
        NDArray x = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1);
        NDArray u = Functions.silu(CausalDepthwiseConv1d.apply(x, weight, bias, kernel));
        return parts.size() == 1 ? new NDList(u) : u.split(Sequence.of(parts).starts(), 1);
    }

    /** The parts of a (B, L, E) sequence: where each starts along L, and the whole shape. */
    private record Sequence(int batch, int length, int channels, int[] from) {
        static Sequence of(NDList parts) {
            int[] from = new int[parts.size() + 1];
            for (int k = 0; k < parts.size(); k++) {
                from[k + 1] = from[k] + (int) parts.get(k).getShape().get(1);
            }
            Shape s = parts.get(0).getShape();
            return new Sequence((int) s.get(0), from[parts.size()], (int) s.get(2), from);
        }

        int parts() {
            return from.length - 1;
        }

        int size() {
            return batch * length * channels;
        }

        long[] starts() {
            long[] starts = new long[parts() - 1];
            for (int k = 1; k < parts(); k++) {
                starts[k - 1] = from[k];
            }
            return starts;
        }

        /** The parts' values as one (B, L, E) array in slot {@code slot}; parts without values (null) as zeros. */
        float[] gather(NDList parts, FloatSlots arrays, int slot) {
            float[] v = arrays.take(slot, size());
            for (int k = 0; k < parts(); k++) {
                if (parts.get(k) != null) {
                    TensorCopies.readTokens(parts.get(k), v, length, channels, from[k]);
                } else {
                    for (int b = 0; b < batch; b++) {
                        Arrays.fill(v, (b * length + from[k]) * channels, (b * length + from[k + 1]) * channels, 0f);
                    }
                }
            }
            return v;
        }

        /** (B, L, E) values as the parts' arrays. */
        NDList scatter(NDArray like, float[] v) {
            NDList out = new NDList(parts());
            for (int k = 0; k < parts(); k++) {
                out.add(TensorCopies.writeTokens(like, v, batch, length, channels, from[k], from[k + 1]));
            }
            return out;
        }
    }

    @Override
    public NDList apply(NDList inputs) {
        int parts = inputs.size() - 2;
        NDList xs = inputs.subNDList(0, parts);
        Sequence seq = Sequence.of(xs);
        int length = seq.length;
        int channels = seq.channels;
        BatchRuns runs = new BatchRuns(seq.batch, length, channels);
        FloatSlots arrays = BlockArrays.current();
        float[] x = seq.gather(xs, arrays, BlockArrays.U);
        float[] wT = transposedWeights(inputs.get(parts), channels);
        float[] bias = read(inputs.get(parts + 1));
        float[] u = arrays.take(BlockArrays.Y, seq.size());
        runs.run(t -> loops.forward(x, runs.batchIndex(t) * length * channels, channels, runs.from(t), runs.to(t), 0,
                channels, wT, kernel, bias, u));
        return seq.scatter(inputs.get(0), u);
    }

    @Override
    public NDList gradients(NDList inputs, NDList outputGradients) {
        int parts = inputs.size() - 2;
        NDList xs = inputs.subNDList(0, parts);
        Sequence seq = Sequence.of(xs);
        if (outputGradients.stream().allMatch(g -> g == null)) {
            NDList none = new NDList();
            for (int i = 0; i < inputs.size(); i++) {
                none.add(null);
            }
            return none;
        }
        int length = seq.length;
        int channels = seq.channels;
        FloatSlots arrays = BlockArrays.current();
        float[] gu = seq.gather(outputGradients, arrays, BlockArrays.GY);
        BatchRuns runs = new BatchRuns(seq.batch, length, channels);
        float[] x = seq.gather(xs, arrays, BlockArrays.U);
        float[] wT = transposedWeights(inputs.get(parts), channels);
        float[] bias = read(inputs.get(parts + 1));
        float[] g = arrays.take(BlockArrays.GDELTA, seq.size());
        float[] gx = arrays.take(BlockArrays.GU, seq.size());
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
        NDList grads = seq.scatter(like, gx);
        grads.add(write(like, gWeight, inputs.get(parts).getShape()));
        grads.add(write(like, gBias, inputs.get(parts + 1).getShape()));
        return grads;
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
