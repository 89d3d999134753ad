package io.medseg.nn.mamba;

import static io.medseg.nn.mamba.TensorCopies.read;
import static io.medseg.nn.mamba.TensorCopies.write;

import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import io.medseg.nn.SequenceLayout;
import io.medseg.nn.checkpoint.CheckpointTape;
import io.medseg.nn.checkpoint.ExplicitGradient;

/**
 * Max-pooling by 2 (kernel 2, stride 2, no padding, as {@code MaxPool2d/3d(2, 2)}) of a map given as its patch tokens
 * (B, L, C), the way LightM-UNet pools each downsampling RVM layer's output. On the CPU in FLOAT32, in inference and
 * inside a checkpointed segment of a recording {@link CheckpointTape} (the RVM layer), it pools the tokens in their own layout with Java loops ({@link PoolLoops})
 * and an analytic backward that recomputes the winners, as a segment whose gradients the tape injects: PyTorch's
 * max-pool first copies the map out of the token layout and then pools at about 12 ns per value on one core (a
 * 128x128 map of 64 channels: 12 ms, a 64³ one 210-230 ms, against 0.3 ms and 14 ms for adding two such maps).
 * Elsewhere it is PyTorch's max-pool of the map. Both take the first maximum of a window in (d, h, w) order, or its
 * last NaN, and give it the whole gradient.
 */
public final class TokenMaxPool implements ExplicitGradient {
    static final PoolLoops LOOPS = PoolLoops.best();
    private final Shape spatial;
    private final PoolLoops loops;

    /** The kernel for maps of this spatial shape (2 or 3 axes) with the given loops (tests compare them). */
    TokenMaxPool(Shape spatial, PoolLoops loops) {
        this.spatial = spatial;
        this.loops = loops;
    }

    /** The pooled map (B, C, *S/2) of the map (B, C, *S) whose patch tokens (B, L, C) are given. */
    public static NDArray apply(NDArray tokens, Shape spatial) {
        Shape half = halved(spatial);
        if (TensorCopies.kernelTakes(tokens)) {
            NDArray pooled = CheckpointTape.checkpoint(new TokenMaxPool(spatial, LOOPS), new NDList(tokens))
                    .singletonOrThrow();
            return SequenceLayout.fromPatchTokens(pooled, half);
        }
        NDArray map = SequenceLayout.fromPatchTokens(tokens, spatial);
        long[] twos = new long[spatial.dimension()];
        Arrays.fill(twos, 2);
        Shape two = new Shape(twos);
        Shape zero = new Shape(new long[spatial.dimension()]);
        return spatial.dimension() == 2 ? Pool.maxPool2d(map, two, two, zero, false)
                : Pool.maxPool3d(map, two, two, zero, false);
    }

    /** The spatial shape after pooling: every axis halved, rounded down. */
    public static Shape halved(Shape spatial) {
        long[] h = spatial.getShape().clone(); // not the shape's own array
        for (int i = 0; i < h.length; i++) {
            h[i] /= 2;
        }
        return new Shape(h);
    }

    @Override
    public NDList apply(NDList inputs) {
        NDArray x = inputs.singletonOrThrow();
        Work k = new Work(x.getShape(), spatial);
        FloatSlots arrays = BlockArrays.current();
        float[] xx = read(x, arrays, BlockArrays.U);
        float[] y = arrays.take(BlockArrays.Y, k.batch * k.outTokens * k.channels);
        k.runs.run(t -> loops.forward(xx, k.xBase(t), k.window, k.positions, k.channels, k.runs.from(t), k.runs.to(t),
                0, k.channels, y, k.yBase(t)));
        return new NDList(write(x, y, new Shape(k.batch, k.outTokens, k.channels)));
    }

    @Override
    public NDList gradients(NDList inputs, NDList outputGradients) {
        NDArray upstream = outputGradients.get(0);
        if (upstream == null) {
            return new NDList((NDArray) null);
        }
        NDArray x = inputs.singletonOrThrow();
        Work k = new Work(x.getShape(), spatial);
        FloatSlots arrays = BlockArrays.current();
        float[] xx = read(x, arrays, BlockArrays.U);
        float[] g = read(upstream, arrays, BlockArrays.GY);
        int size = Math.toIntExact(x.getShape().size());
        float[] gx = arrays.take(BlockArrays.GU, size);
        if (k.outTokens * k.positions * k.batch * k.channels != size) {
            Arrays.fill(gx, 0, size, 0f); // odd axes: the last row of an odd axis is in no window
        }
        k.runs.run(t -> loops.backward(xx, k.xBase(t), k.window, k.positions, k.channels, k.runs.from(t), k.runs.to(t),
                0, k.channels, g, k.yBase(t), gx));
        return new NDList(write(x, gx, x.getShape()));
    }

    /** A call's shapes, window offsets and split into tasks ({@link BatchRuns} of output tokens). */
    private static final class Work {
        final int batch;
        final int tokens;
        final int channels;
        final int outTokens;
        final int positions;
        final int[] window;
        final BatchRuns runs;

        Work(Shape tokenShape, Shape spatial) {
            batch = (int) tokenShape.get(0);
            tokens = (int) tokenShape.get(1);
            channels = (int) tokenShape.get(2);
            int dims = spatial.dimension();
            int[] in = new int[dims];
            int[] out = new int[dims];
            int outCount = 1;
            for (int i = 0; i < dims; i++) {
                in[i] = (int) spatial.get(i);
                out[i] = in[i] / 2;
                outCount *= out[i];
            }
            outTokens = outCount;
            positions = 1 << dims;
            window = new int[outTokens * positions];
            int[] coord = new int[dims];
            for (int o = 0; o < outTokens; o++) {
                for (int r = o, i = dims - 1; i >= 0; i--) {
                    coord[i] = r % out[i];
                    r /= out[i];
                }
                for (int j = 0; j < positions; j++) {
                    int t = 0;
                    for (int i = 0; i < dims; i++) { // position j's bit for axis i: the first axis is the slowest
                        t = t * in[i] + 2 * coord[i] + (j >> (dims - 1 - i) & 1);
                    }
                    window[o * positions + j] = t * channels;
                }
            }
            runs = new BatchRuns(batch, outTokens, channels * positions);
        }

        int xBase(int task) {
            return runs.batchIndex(task) * tokens * channels;
        }

        int yBase(int task) {
            return runs.batchIndex(task) * outTokens * channels;
        }
    }
}
