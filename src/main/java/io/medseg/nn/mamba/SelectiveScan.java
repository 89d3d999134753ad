package io.medseg.nn.mamba;


import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.medseg.nn.checkpoint.CheckpointTape;
import io.medseg.nn.checkpoint.ChunkedRecurrence;

/**
 * Mamba's selective scan (S6), as {@code selective_scan_ref} defines it: per channel e and state n, with h₋₁ = 0,
 *
 * <pre>
 * h_t[e,n] = exp(Δ_t[e]·A[e,n]) · h_{t-1}[e,n] + Δ_t[e] · B_t[n] · u_t[e]
 * y_t[e]   = Σ_n C_t[n] · h_t[e,n] + D[e] · u_t[e]
 * </pre>
 *
 * Shapes at the boundary: u, Δ (B, L, E); A (E, N); B, C (B, L, N); D (E); y (B, L, E). Δ is already positive
 * (softplus applied) and A negative.
 *
 * <p>The production form {@link #scan} walks the sequence in blocks, carrying the (B, E, N) state between blocks
 * ({@link ChunkedRecurrence}); each block has an analytic backward. A block is computed in one of two ways:
 * <ul>
 * <li>Tensor path (GPUs, and plain autograd anywhere): the linear recurrence is solved by a work-efficient
 * (Blelloch-style, recursive pairing) scan of depth 2·log₂T built from reshape, slice, multiply, add and stack, with
 * blocks of at most {@link #blockTokens} tokens. Only products of decays ≤ 1 and sums occur, so it is as stable as the
 * sequential loop.
 * <li>CPU path ({@link CpuScanKernel}): Java loops over the block's values in float, a group of channels per set of
 * SIMD lanes where the JVM has the Vector API: one walk forward, which keeps the state at every sub-block start
 * ({@link StateLoops#SUB} tokens, a residual of the block for its gradients), and backward per sub-block (from the
 * end) a recompute of its decays from there and a reverse walk, in blocks of {@link #CPU_BLOCK_TOKENS} tokens. Its
 * outputs are not part of the autograd graph, so it computes a block's forward only when PyTorch's grad mode is off:
 * in inference, and under a recording {@link CheckpointTape}, whose unrecorded forward of the scan's segment switches
 * it off (also when a checkpointed layer around the scan is replayed: the scan is then recorded on a nested tape). It
 * computes a block's gradients always, since the tape injects them. It needs all arrays on the CPU in FLOAT32 (FLOAT64
 * scans, as gradient checks use, take the tensor path). Plain autograd through {@link #scan} (grad mode on, no tape)
 * therefore stays on the tensor path.
 * </ul>
 *
 * <p>Memory (tensor path). In inference a block's working set is about 6·B·T·E·N values, independent of L. In a
 * training step with an active {@link CheckpointTape} the scan keeps only its inputs (already alive in the layer) plus
 * one (B, E, N) state per block, i.e. about B·L·E·N/T extra values; its backward pass replays the blocks in reverse,
 * one at a time, each holding about 12·B·T·E·N values. Without a tape (plain autograd) the whole scan is recorded:
 * O(B·L·E·N·log T). The CPU path holds only copies of a block's inputs and outputs (the large ones in arrays kept per
 * thread for the next block, {@link BlockArrays}), plus per channel range in the
 * backward pass 4·T·N values, and for its SIMD groups 4·64·N values per lane; between a training step's forward and
 * backward it keeps one state per 64 tokens, B·L·E·N/64 values.
 */
public final class SelectiveScan {
    /** Upper bound on B·T·E·N elements per block: 4M floats (16 MB) per materialised block tensor. */
    static final long BLOCK_ELEMENTS = 1L << 22;
    /**
     * Tokens per block on the CPU path, whose working set grows only like B·T·(E + N): long blocks mean few chunks and
     * few saved states, while the backward pass's per-range buffers (4·T·N values, 4 MB at N = 16) stay small. A 2D
     * LightM-UNet's first level (128², 16,384 tokens) is one block: its outputs and gradients are not cut and
     * concatenated again (against 4,096 tokens, measured back to back on a 2-core AVX-512 Xeon: the scan's forward +
     * backward at L = 65,536 149-153 ms against 157-164 ms, the 2D step 1000-1030 ms against 1020-1070 ms).
     */
    static final int CPU_BLOCK_TOKENS = 16384;

    private SelectiveScan() {
    }

    /** The sequential definition: one step per token. A reference for tests and benchmarks, slow for long L. */
    public static NDArray sequential(NDArray u, NDArray delta, NDArray a, NDArray b, NDArray c, NDArray d) {
        long batch = u.getShape().get(0);
        long length = u.getShape().get(1);
        long channels = u.getShape().get(2);
        long states = a.getShape().get(1);
        NDArray h = u.getManager().zeros(new Shape(batch, channels, states), u.getDataType());
        NDList ys = new NDList((int) length);
        for (long t = 0; t < length; t++) {
            NDArray dt = delta.get(new NDIndex(":, {}", t)).expandDims(2); // (B, E, 1)
            NDArray ut = u.get(new NDIndex(":, {}", t)).expandDims(2); // (B, E, 1)
            NDArray bt = b.get(new NDIndex(":, {}", t)).expandDims(1); // (B, 1, N)
            NDArray ct = c.get(new NDIndex(":, {}", t)).expandDims(1); // (B, 1, N)
            h = dt.mul(a).exp().mul(h).add(dt.mul(ut).mul(bt));
            ys.add(h.mul(ct).sum(new int[] { 2 }));
        }
        return NDArrays.stack(ys, 1).add(u.mul(d));
    }

    /** The production scan (blocked); see the class comment for its two paths and their memory. */
    public static NDArray scan(NDArray u, NDArray delta, NDArray a, NDArray b, NDArray c, NDArray d) {
        return scan(u, delta, a, b, c, d, productionBlock(u, delta, a, b, c, d));
    }

    /** The block length of the production scan for these arrays; see the class comment. */
    private static int productionBlock(NDArray u, NDArray delta, NDArray a, NDArray b, NDArray c, NDArray d) {
        // the CPU path runs a block's forward with grad mode off: in inference, or under a recording tape (which
        // switches it off for the unrecorded forward); with plain autograd the tensor path's memory bound applies
        boolean cpu = CpuScanKernel.supports(u, delta, a, b, c, d)
                && (!JniUtils.isGradMode() || CheckpointTape.isRecording());
        return cpu ? CPU_BLOCK_TOKENS : blockTokens(u.getShape().get(0), u.getShape().get(2), a.getShape().get(1));
    }

    /** The production scan with an explicit block length (tests vary it). */
    public static NDArray scan(NDArray u, NDArray delta, NDArray a, NDArray b, NDArray c, NDArray d, int block) {
        return scan(u, delta, a, b, c, d, block, true);
    }

    /**
     * The production scan with an explicit block length; {@code cpuKernel} false forces the tensor path also on the
     * CPU (tests compare the two).
     */
    static NDArray scan(NDArray u, NDArray delta, NDArray a, NDArray b, NDArray c, NDArray d, int block,
            boolean cpuKernel) {
        return ChunkedRecurrence.run(new BlockStep(cpuKernel), new NDList(u, delta, b, c), new NDList(a, d),
                new NDList(zeroState(u, a)), 1, 1, block);
    }

    /**
     * The production scan continued from the state h0 (B, E, N) that an earlier part of the sequence left (null: the
     * zero state of a sequence's start), and the state after the last token: (y, exit state), both differentiable.
     * Scanning a sequence in consecutive parts this way gives the whole sequence's scan.
     */
    public static NDList scanFrom(NDArray u, NDArray delta, NDArray a, NDArray b, NDArray c, NDArray d, NDArray h0) {
        return ChunkedRecurrence.runFrom(new BlockStep(true), new NDList(u, delta, b, c), new NDList(a, d),
                new NDList(h0 != null ? h0 : zeroState(u, a)), 1, 1, productionBlock(u, delta, a, b, c, d));
    }

    private static NDArray zeroState(NDArray u, NDArray a) {
        return u.getManager().zeros(new Shape(u.getShape().get(0), u.getShape().get(2), a.getShape().get(1)),
                u.getDataType());
    }

    /** One block's arguments as the recurrence hands them over: slices (u, Δ, B, C), shared (A, D), state h0. */
    private record Block(NDArray u, NDArray delta, NDArray b, NDArray c, NDArray a, NDArray d, NDArray h0) {
        static Block of(NDList slices, NDList shared, NDList state) {
            return new Block(slices.get(0), slices.get(1), slices.get(2), slices.get(3), shared.get(0), shared.get(1),
                    state.get(0));
        }

        boolean onCpuKernel() {
            return CpuScanKernel.supports(u, delta, a, b, c, d, h0);
        }
    }

    /**
     * One block as a chunk of the recurrence: slices (u, Δ, B, C), shared (A, D), state h. Its backward is the
     * scan's analytic gradient, itself a linear recurrence run backwards in time: with r_t = ∂L/∂h_t,
     * r_t = C_t ⊗ ∂L/∂y_t + exp(Δ_{t+1}A) ⊙ r_{t+1}; then ∂L/∂(Δ_t u_t B_t) = r_t and ∂L/∂exp(Δ_t A) = r_t ⊙ h_{t−1}.
     * On the tensor path one forward and one reverse pairwise scan replace recording and differentiating the
     * forward one; on the CPU path ({@link CpuScanKernel}) both are loops (see the class comment for when).
     */
    static final class BlockStep implements ChunkedRecurrence.DifferentiatedStep {
        private final boolean cpuKernel;

        /** @param cpuKernel whether CPU arrays may take the {@link CpuScanKernel} path (false: tensor path always) */
        BlockStep(boolean cpuKernel) {
            this.cpuKernel = cpuKernel;
        }

        @Override
        public NDList apply(NDList slices, NDList shared, NDList state) {
            Block x = Block.of(slices, shared, state);
            // the loops' outputs are outside the autograd graph: only when no gradient must flow through them
            if (cpuKernel && !JniUtils.isGradMode() && x.onCpuKernel()) {
                return CpuScanKernel.forward(x.u, x.delta, x.a, x.b, x.c, x.d, x.h0);
            }
            return scanBlock(x.u, x.delta, x.a, x.b, x.c, x.d, x.h0);
        }

        @Override
        public NDList gradients(NDList slices, NDList shared, NDList state, NDList residuals, NDArray gy,
                NDList exitGrad) {
            Block x = Block.of(slices, shared, state);
            NDArray exit = exitGrad == null ? null : exitGrad.get(0);
            if (cpuKernel && x.onCpuKernel()) {
                // the states the kernel's forward kept, unless the forward took the tensor path
                NDArray starts = residuals.isEmpty() ? null : residuals.get(0);
                return CpuScanKernel.gradients(x.u, x.delta, x.a, x.b, x.c, x.d, x.h0, gy, exit, starts);
            }
            return tensorGradients(x.u, x.delta, x.a, x.b, x.c, x.d, x.h0, gy, exit);
        }
    }

    /** A block's input gradients (gU, gΔ, gB, gC, gA, gD, gH0) by pairwise scans; see {@link BlockStep}. */
    static NDList tensorGradients(NDArray u, NDArray delta, NDArray a, NDArray b, NDArray c, NDArray d, NDArray h0,
            NDArray gy, NDArray exitGrad) {
        long t = u.getShape().get(1);
        NDArray dt = delta.expandDims(3); // (B, T, E, 1)
        NDArray du = delta.mul(u); // (B, T, E)
        NDList forward = states(u, delta, a, b, h0);
        NDArray decay = forward.get(0);
        NDArray h = forward.get(1);

        NDArray q = gy.expandDims(3).mul(c.expandDims(2)); // ∂L/∂h_t through y_t
        if (exitGrad != null) {
            NDArray lastRow = q.get(new NDIndex(":, -1:")).add(exitGrad.expandDims(1));
            q = t == 1 ? lastRow : q.get(new NDIndex(":, :-1")).concat(lastRow, 1);
        }
        Shape one = new Shape(decay.getShape().get(0), 1).addAll(decay.getShape().slice(2));
        NDArray next = t == 1 ? decay.zerosLike()
                : decay.get(new NDIndex(":, 1:")).concat(decay.getManager().zeros(one, decay.getDataType()), 1);
        NDArray r = pairwiseScan(next.flip(1), q.flip(1)).flip(1); // r_t = q_t + a_{t+1} r_{t+1}

        NDArray hPrev = t == 1 ? h0.expandDims(1) : h0.expandDims(1).concat(h.get(new NDIndex(":, :-1")), 1);
        NDArray gLogDecay = r.mul(hPrev).mul(decay); // ∂L/∂(Δ A)
        NDArray gDu = r.mul(b.expandDims(2)).sum(new int[] { 3 });
        NDArray gU = gDu.mul(delta).add(gy.mul(d));
        NDArray gDelta = gLogDecay.mul(a).sum(new int[] { 3 }).add(gDu.mul(u));
        NDArray gB = r.mul(du.expandDims(3)).sum(new int[] { 2 });
        NDArray gC = h.mul(gy.expandDims(3)).sum(new int[] { 2 });
        NDArray gA = gLogDecay.mul(dt).sum(new int[] { 0, 1 });
        NDArray gD = gy.mul(u).sum(new int[] { 0, 1 });
        NDArray gH0 = r.get(new NDIndex(":, 0")).mul(decay.get(new NDIndex(":, 0")));
        return new NDList(gU, gDelta, gB, gC, gA, gD, gH0);
    }

    /** Tokens per block: the largest power of two ≤ 4096 whose (B, T, E, N) block stays within the element budget. */
    static int blockTokens(long batch, long channels, long states) {
        long t = Math.max(1, BLOCK_ELEMENTS / Math.max(1, batch * channels * states));
        int p = 16;
        while (p * 2L <= Math.min(t, 4096)) {
            p *= 2;
        }
        return p;
    }

    /**
     * One block: states for tokens [0, T) given the entry state h0 (B, E, N). Returns (y (B, T, E), last state).
     */
    static NDList scanBlock(NDArray u, NDArray delta, NDArray a, NDArray b, NDArray c, NDArray d, NDArray h0) {
        NDArray h = states(u, delta, a, b, h0).get(1); // (B, T, E, N)
        NDArray y = h.mul(c.expandDims(2)).sum(new int[] { 3 }).add(u.mul(d));
        long t = h.getShape().get(1);
        NDArray last = h.get(new NDIndex(":, {}", t - 1));
        return new NDList(y, last);
    }

    /** A block's decays exp(Δ_t A) and states h_t, (B, T, E, N) each, from the entry state h0 (B, E, N). */
    private static NDList states(NDArray u, NDArray delta, NDArray a, NDArray b, NDArray h0) {
        NDArray dt = delta.expandDims(3); // (B, T, E, 1)
        NDArray decay = dt.mul(a).exp(); // (B, T, E, N)
        NDArray input = dt.mul(u.expandDims(3)).mul(b.expandDims(2)); // (B, T, E, N)
        // fold the entry state into the first token: h_0 = a_0 h₋₁ + b_0
        NDArray first = input.get(new NDIndex(":, :1")).add(decay.get(new NDIndex(":, :1")).mul(h0.expandDims(1)));
        input = input.getShape().get(1) == 1 ? first : first.concat(input.get(new NDIndex(":, 1:")), 1);
        return new NDList(decay, pairwiseScan(decay, input));
    }

    /**
     * Inclusive scan of h_t = a_t·h_{t-1} + b_t along axis 1 (h₋₁ = 0) by recursive pairing: combine neighbours
     * (a', b') = (a_odd·a_even, a_odd·b_even + b_odd), solve the half-length problem for the odd positions, then fill
     * the even ones from their left neighbours. Odd lengths are padded with the identity pair (1, 0).
     */
    static NDArray pairwiseScan(NDArray a, NDArray b) {
        Shape s = a.getShape();
        long n = s.get(1);
        if (n == 1) {
            return b;
        }
        boolean padded = (n & 1) == 1;
        if (padded) {
            Shape one = new Shape(s.get(0), 1).addAll(s.slice(2));
            a = a.concat(a.getManager().ones(one, a.getDataType()), 1);
            b = b.concat(b.getManager().zeros(one, b.getDataType()), 1);
            n++;
        }
        Shape paired = new Shape(s.get(0), n / 2, 2).addAll(s.slice(2));
        NDArray a2 = a.reshape(paired);
        NDArray b2 = b.reshape(paired);
        NDArray aEven = a2.get(new NDIndex(":, :, 0"));
        NDArray aOdd = a2.get(new NDIndex(":, :, 1"));
        NDArray bEven = b2.get(new NDIndex(":, :, 0"));
        NDArray bOdd = b2.get(new NDIndex(":, :, 1"));
        NDArray hOdd = pairwiseScan(aOdd.mul(aEven), aOdd.mul(bEven).add(bOdd));
        NDArray hEven;
        if (n == 2) {
            hEven = bEven;
        } else {
            NDArray previous = hOdd.get(new NDIndex(":, :-1"));
            NDArray rest = aEven.get(new NDIndex(":, 1:")).mul(previous).add(bEven.get(new NDIndex(":, 1:")));
            hEven = bEven.get(new NDIndex(":, :1")).concat(rest, 1);
        }
        NDArray h = hEven.stack(hOdd, 2).reshape(new Shape(s.get(0), n).addAll(s.slice(2)));
        return padded ? h.get(new NDIndex(":, :{}", n - 1)) : h;
    }
}
