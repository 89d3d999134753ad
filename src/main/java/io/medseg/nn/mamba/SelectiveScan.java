package io.medseg.nn.mamba;


import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.medseg.nn.checkpoint.CheckpointTape;
import io.medseg.nn.checkpoint.ChunkedRecurrence;

/**
 * Mamba's selective scan (S6) with plain tensor operations, as {@code selective_scan_ref} defines it: per channel e
 * and state n, with h₋₁ = 0,
 *
 * <pre>
 * h_t[e,n] = exp(Δ_t[e]·A[e,n]) · h_{t-1}[e,n] + Δ_t[e] · B_t[n] · u_t[e]
 * y_t[e]   = Σ_n C_t[n] · h_t[e,n] + D[e] · u_t[e]
 * </pre>
 *
 * Shapes at the boundary: u, Δ (B, L, E); A (E, N); B, C (B, L, N); D (E); y (B, L, E). Δ is already positive
 * (softplus applied) and A negative.
 *
 * <p>The production form {@link #scan} walks the sequence in blocks of at most {@link #blockTokens} tokens, carrying
 * the (B, E, N) state between blocks; inside a block the linear recurrence is solved by a work-efficient
 * (Blelloch-style, recursive pairing) scan of depth 2·log₂T built from reshape, slice, multiply, add and stack.
 * Only products of decays ≤ 1 and sums occur, so it is as stable as the sequential loop.
 *
 * <p>Memory. In inference a block's working set is about 6·B·T·E·N values, independent of L. In a training step with
 * an active {@link CheckpointTape} the scan keeps only its inputs (already alive in the layer) plus one (B, E, N) state
 * per block, i.e. about B·L·E·N/T extra values; its backward pass replays the blocks in reverse, one at a time, each
 * holding about 12·B·T·E·N values. Without a tape (plain autograd) the whole scan is recorded: O(B·L·E·N·log T).
 */
public final class SelectiveScan {
    /** Upper bound on B·T·E·N elements per block: 4M floats (16 MB) per materialised block tensor. */
    static final long BLOCK_ELEMENTS = 1L << 22;

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

    /** The production scan (blocked, work-efficient); see the class comment for its memory. */
    public static NDArray scan(NDArray u, NDArray delta, NDArray a, NDArray b, NDArray c, NDArray d) {
        return scan(u, delta, a, b, c, d, blockTokens(u.getShape().get(0), u.getShape().get(2), a.getShape().get(1)));
    }

    /** The production scan with an explicit block length (tests vary it). */
    public static NDArray scan(NDArray u, NDArray delta, NDArray a, NDArray b, NDArray c, NDArray d, int block) {
        NDArray h0 = u.getManager().zeros(new Shape(u.getShape().get(0), u.getShape().get(2), a.getShape().get(1)),
                u.getDataType());
        return ChunkedRecurrence.run((slices, shared, state) -> scanBlock(slices.get(0), slices.get(1), shared.get(0),
                slices.get(2), slices.get(3), shared.get(1), state.get(0)), new NDList(u, delta, b, c), new NDList(a, d),
                new NDList(h0), 1, 1, block);
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
        NDArray dt = delta.expandDims(3); // (B, T, E, 1)
        NDArray decay = dt.mul(a).exp(); // (B, T, E, N)
        NDArray input = dt.mul(u.expandDims(3)).mul(b.expandDims(2)); // (B, T, E, N)
        // fold the entry state into the first token: h_0 = a_0 h₋₁ + b_0
        NDArray first = input.get(new NDIndex(":, :1")).add(decay.get(new NDIndex(":, :1")).mul(h0.expandDims(1)));
        input = input.getShape().get(1) == 1 ? first : first.concat(input.get(new NDIndex(":, 1:")), 1);
        NDArray h = pairwiseScan(decay, input); // (B, T, E, N)
        NDArray y = h.mul(c.expandDims(2)).sum(new int[] { 3 }).add(u.mul(d));
        long t = h.getShape().get(1);
        NDArray last = h.get(new NDIndex(":, {}", t - 1));
        return new NDList(y, last);
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
