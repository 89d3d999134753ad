package io.medseg.nn.mamba;

import static io.medseg.nn.mamba.TensorCopies.read;
import static io.medseg.nn.mamba.TensorCopies.write;

import java.lang.ref.SoftReference;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * One block of the selective scan, forward and analytic backward, as plain Java loops over arrays copied out of the
 * (CPU) tensors: the same recurrence and the same gradient formulas as {@link SelectiveScan}'s tensor block, but
 * without its (B, T, E, N) intermediates, so it costs B·T·E·N multiply-adds and exponentials instead of dozens of
 * materialised (B, T, E, N) tensors per pairwise-scan level.
 *
 * <p>Layout (row-major, as the tensors): u, Δ, y and their gradients (B, T, E); B, C (B, T, N); A (E, N); D (E);
 * states (B, E, N). FLOAT32 only, computed in float as PyTorch computes the tensor path (twice the SIMD lanes of
 * double, and no widening copies); the long sums over B·T terms (gA, gD) are taken in double, gA from float partial
 * sums of {@link StateLoops#FLUSH} tokens. FLOAT64 scans (gradient checks) take the tensor path. Each channel's walks
 * over the block are {@link StateLoops}: on SIMD lanes where the JVM has the Vector API, scalar otherwise. The backward
 * pass's per-range buffers are kept between blocks ({@link Workspace}).
 *
 * <p>Work split: the forward runs one task per batch element and group of channels ({@link StateLoops#channelGroup}),
 * with no sums across tasks. The backward runs, per
 * batch element, channel ranges in parallel (up to {@link #RANGES}, of at least {@link #RANGE_CHANNELS} channels; their
 * number depends on E only, not on the number of cores);
 * gB and gC (sums over channels) are accumulated per range and the range results added in range order, so the
 * results do not depend on scheduling. Each range owns its channels' gA and gD.
 *
 * <p>The results are not connected to PyTorch's autograd graph: {@link SelectiveScan} uses the forward only where no
 * gradient flows through it by autograd.
 */
final class CpuScanKernel {
    /** Channel ranges of the backward pass; fixed so that the summation order of gB and gC is too. */
    static final int RANGES = 8;
    /**
     * Channels per range at least: each range sums its gB and gC shares across SIMD lanes once per token and state,
     * so ranges of few channels cost more in those sums than they gain in parallel work.
     */
    static final int RANGE_CHANNELS = 32;
    /** The inner loops over the states: SIMD where this JVM has them (see {@link StateLoops#best}). */
    static final StateLoops LOOPS = StateLoops.best();

    private CpuScanKernel() {
    }

    /** Whether the kernel can take these arrays: all on the CPU and FLOAT32. */
    static boolean supports(NDArray... arrays) {
        return TensorCopies.onCpuInFloat(arrays);
    }

    /**
     * A block's outputs y (B, T, E) and exit state (B, E, N) from the entry state h0 (B, E, N), and the states entering
     * every {@link StateLoops#SUB}-th token (B, E, {@link StateLoops#subBlocks}, N) for {@link #gradients}; shapes as
     * in {@link SelectiveScan}.
     */
    static NDList forward(NDArray u, NDArray delta, NDArray a, NDArray b, NDArray c, NDArray d, NDArray h0) {
        return forward(LOOPS, u, delta, a, b, c, d, h0);
    }

    /** {@link #forward} with the given inner loops. */
    static NDList forward(StateLoops loops, NDArray u, NDArray delta, NDArray a, NDArray b, NDArray c, NDArray d,
            NDArray h0) {
        Shape s = u.getShape();
        int batch = (int) s.get(0);
        int length = (int) s.get(1);
        int channels = (int) s.get(2);
        int states = (int) a.getShape().get(1);
        FloatSlots arrays = BlockArrays.current();
        float[] uu = read(u, arrays, BlockArrays.U);
        float[] dd = read(delta, arrays, BlockArrays.DELTA);
        float[] aa = read(a);
        float[] bb = read(b, arrays, BlockArrays.B);
        float[] cc = read(c, arrays, BlockArrays.C);
        float[] skip = read(d);
        float[] h = read(h0); // becomes the exit state
        float[] y = arrays.take(BlockArrays.Y, Math.toIntExact(s.size()));
        int subs = StateLoops.subBlocks(length);
        float[] starts = new float[batch * channels * subs * states];
        int group = loops.channelGroup();
        int groups = (channels + group - 1) / group;
        IntStream.range(0, batch * groups).parallel().forEach(p -> {
            int bi = p / groups;
            int e0 = p % groups * group;
            // (bi, 0, 0) in (B, T, E), (B, T, N) and (B, E, N); (bi, 0, 0, 0) in the kept states
            loops.forwardChannels(aa, dd, uu, bi * length * channels, channels, e0, Math.min(channels, e0 + group),
                    length, bb, cc, bi * length * states, h, bi * channels * states, skip, y, states, starts,
                    bi * channels * subs * states);
        });
        return new NDList(write(u, y, s), write(u, h, h0.getShape()),
                write(u, starts, new Shape(batch, channels, subs, states)));
    }

    /**
     * The block's input gradients (gU, gΔ, gB, gC, gA, gD, gH0), given the output gradient gy (B, T, E) and the exit
     * state's gradient (B, E, N, or null): with r_t = ∂L/∂h_t = C_t·gy_t (+ the exit gradient at the last t) +
     * exp(Δ_{t+1}A)·r_{t+1}, ∂L/∂(Δ_t u_t B_t) = r_t and ∂L/∂(Δ_t A) = r_t·h_{t−1}·exp(Δ_t A). The block's states are
     * recomputed per (batch, channel) from h0 or from the states its forward kept ({@code starts}, (B, E,
     * sub-blocks, N), or null), T·N values at a time.
     */
    static NDList gradients(NDArray u, NDArray delta, NDArray a, NDArray b, NDArray c, NDArray d, NDArray h0,
            NDArray gy, NDArray exitGrad, NDArray starts) {
        return gradients(LOOPS, u, delta, a, b, c, d, h0, gy, exitGrad, starts);
    }

    /**
     * {@link #gradients} with the given inner loops; {@code starts} are the states the block's {@link #forward} kept,
     * or null to recompute them.
     */
    static NDList gradients(StateLoops loops, NDArray u, NDArray delta, NDArray a, NDArray b, NDArray c, NDArray d,
            NDArray h0, NDArray gy, NDArray exitGrad, NDArray starts) {
        Shape s = u.getShape();
        int batch = (int) s.get(0);
        int length = (int) s.get(1);
        int channels = (int) s.get(2);
        int states = (int) a.getShape().get(1);
        FloatSlots arrays = BlockArrays.current();
        int tokens = Math.toIntExact(s.size());
        int selections = Math.toIntExact(b.getShape().size());
        ScanGradients g = new ScanGradients(batch, length, channels, states, read(u, arrays, BlockArrays.U),
                read(delta, arrays, BlockArrays.DELTA), read(a), read(b, arrays, BlockArrays.B),
                read(c, arrays, BlockArrays.C), read(d), read(h0), read(gy, arrays, BlockArrays.GY),
                exitGrad == null ? null : read(exitGrad), starts == null ? null : read(starts),
                arrays.take(BlockArrays.GU, tokens), arrays.take(BlockArrays.GDELTA, tokens));
        float[] gB = arrays.take(BlockArrays.GB, selections);
        float[] gC = arrays.take(BlockArrays.GC, selections);
        Arrays.fill(gB, 0, selections, 0);
        Arrays.fill(gC, 0, selections, 0);
        int ranges = Math.max(1, Math.min(RANGES, channels / RANGE_CHANNELS));
        int tn = length * states;
        Workspace w = Workspace.take(ranges, tn, states);
        try {
            for (int bi = 0; bi < batch; bi++) {
                final int batchIndex = bi;
                IntStream.range(0, ranges).parallel().forEach(k -> {
                    w.ranges[k].clearSums(tn);
                    loops.backwardChannels(g, batchIndex, k * channels / ranges, (k + 1) * channels / ranges,
                            w.ranges[k]);
                });
                int base = g.selections(bi);
                for (int k = 0; k < ranges; k++) {
                    float[] sumB = w.ranges[k].sumB;
                    float[] sumC = w.ranges[k].sumC;
                    for (int j = 0; j < tn; j++) {
                        gB[base + j] += sumB[j];
                        gC[base + j] += sumC[j];
                    }
                }
            }
        } finally {
            Workspace.give(w);
        }
        return new NDList(write(u, g.gU, s), write(u, g.gDelta, s), write(u, gB, b.getShape()),
                write(u, gC, c.getShape()), write(u, narrow(g.gA), a.getShape()), write(u, narrow(g.gD), d.getShape()),
                write(u, g.gH0, h0.getShape()));
    }

    /**
     * The backward pass's per-range buffers ({@link RangeBuffers}), kept between calls so that consecutive blocks do
     * not allocate them again. Concurrent calls take separate workspaces.
     */
    private static final class Workspace {
        /** The one kept workspace (softly: 16 MB at the production block, given up under memory pressure). */
        private static final AtomicReference<SoftReference<Workspace>> FREE = new AtomicReference<>();
        final RangeBuffers[] ranges;
        final int states;

        private Workspace(int ranges, int tn, int states) {
            this.states = states;
            this.ranges = new RangeBuffers[ranges];
            for (int k = 0; k < ranges; k++) {
                this.ranges[k] = new RangeBuffers(tn, states);
            }
        }

        static Workspace take(int ranges, int tn, int states) {
            SoftReference<Workspace> kept = FREE.getAndSet(null);
            Workspace w = kept == null ? null : kept.get();
            if (w != null && w.ranges.length >= ranges && w.ranges[0].capacity() >= tn && w.states == states) {
                return w;
            }
            // too small (or none): a new one; a larger one's buffers are used from index 0 up to what is needed
            return new Workspace(Math.max(ranges, w == null ? 0 : w.ranges.length),
                    Math.max(tn, w == null ? 0 : w.ranges[0].capacity()), states);
        }

        static void give(Workspace w) {
            // one kept at most: the largest block seen (the production block length) stays cached
            FREE.set(new SoftReference<>(w));
        }
    }

    private static float[] narrow(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
