package io.medseg.nn.mamba;

import java.util.Arrays;

/**
 * The inner loops of {@link CpuScanKernel}: one channel's walk over a block's tokens and its N states, forward,
 * recompute and reverse (the token loop inside, so that the JIT compiles each walk as one loop and can keep a channel's
 * state, A row and gradient carries in registers). Arrays are the kernel's row-major float copies, read at the offsets
 * and strides given. Two implementations compute the same formulas: {@link ScalarStateLoops} (plain loops) and
 * {@link VectorStateLoops} (SIMD lanes of the Vector API), which is used where it can
 * run and be fast (see {@link #best}).
 */
interface StateLoops {
    /** Tokens between two flushes of a channel's float gA sums into the double totals (bounds their rounding). */
    int FLUSH = 32;
    /**
     * Tokens per sub-block: the forward walk keeps each channel's state at every sub-block start, from which the SIMD
     * backward recomputes one sub-block at a time in cache (as mamba_ssm's kernel keeps its chunk states).
     */
    int SUB = 64;

    /** Sub-blocks of a block of {@code length} tokens: the number of states kept per channel. */
    static int subBlocks(int length) {
        return (length + SUB - 1) / SUB;
    }

    /**
     * The forward walk over one channel's block: for t in [0, length), with Δ_t = {@code dd[i]}, u_t = {@code uu[i]}
     * at {@code i = i0 + t·stride}, h ← exp(Δ_t·a)·h + Δ_t u_t·b_t in place on {@code h[hOff, hOff+states)} (the
     * entry state on entry, the exit state on return) and {@code y[i] = Σ_n c_t,n·h_n + skip·u_t}. a at {@code aOff},
     * b and c at {@code bc0 + t·states}. The state entering token s·{@link #SUB} is kept at
     * {@code starts[sOff + s·states, +states)}.
     */
    void forwardChannel(float[] a, int aOff, float[] dd, float[] uu, int i0, int stride, int length, float[] b,
            float[] c, int bc0, float[] h, int hOff, float skip, float[] y, int states, float[] starts, int sOff);

    /**
     * The forward walk of channels [e0, e1) of one batch element, as {@link #forwardChannel} for each: x0 is
     * (bi, 0, 0) in (B, T, E), hBase (bi, 0, 0) in (B, E, N), sBase (bi, 0, 0, 0) in the kept states
     * (B, E, {@link #subBlocks}, N); skip holds D. Implementations may walk several channels at once
     * ({@link #channelGroup}).
     */
    default void forwardChannels(float[] a, float[] dd, float[] uu, int x0, int channels, int e0, int e1, int length,
            float[] b, float[] c, int bc0, float[] h, int hBase, float[] skip, float[] y, int states, float[] starts,
            int sBase) {
        int kept = subBlocks(length) * states;
        for (int e = e0; e < e1; e++) {
            forwardChannel(a, e * states, dd, uu, x0 + e, channels, length, b, c, bc0, h, hBase + e * states, skip[e],
                    y, states, starts, sBase + e * kept);
        }
    }

    /** How many channels {@link #forwardChannels} walks at once: the natural size of a forward task. */
    default int channelGroup() {
        return 1;
    }

    /**
     * The backward pass's recompute of one channel's block: for t in [0, length), with Δ_t = {@code dd[i]}, u_t =
     * {@code uu[i]} and gy_t = {@code g[i]} at {@code i = i0 + t·stride}, {@code dec[t·states+n] = exp(Δ_t·a_n)},
     * {@code q[t·states+n] = dec·h_{t−1}} with h_t = q_t + Δ_t u_t·b_n (h₋₁ = {@code h0[hOff, hOff+states)}; h_t is
     * carried in {@code hc[0, states)}), and adds gy_t·h_t to {@code sumC[t·states+n]} (the channel's share of ∂L/∂C_t,
     * taken while h_t is at hand). a at {@code aOff}, b at {@code bc0 + t·states}.
     */
    void recomputeChannel(float[] a, int aOff, float[] dd, float[] uu, float[] g, int i0, int stride, int length,
            float[] b, int bc0, float[] h0, int hOff, float[] hc, float[] q, float[] dec, float[] sumC, int states);

    /**
     * The reverse walk over one channel's block (after {@link #recomputeChannel}): for t from length−1 down to 0,
     * r_n ← gy_t·c_n + exp(Δ_{t+1}a_n)·r_n (r holds the exit-state gradient on entry, ∂L/∂h₋₁'s factor r_0 on exit),
     * ∂L/∂(Δ_t a_n) = r_n·q_t,n (q_t = exp(Δ_t a_n)·h_{t−1} from the recompute); accumulates ∂L/∂a into the float
     * sums {@code gAcc[0, states)} (zero on entry), flushed into gA (double, at {@code aOff}) every {@link #FLUSH}
     * tokens and at the end, adds r·Δ_t u_t to sumB (at {@code t·states}) and writes gU and gΔ at i; returns
     * Σ_t gy_t·u_t (the channel's gD).
     */
    double backwardChannel(float[] a, int aOff, float[] dd, float[] uu, float[] g, int i0, int stride, int length,
            float[] b, float[] c, int bc0, float[] q, float[] dec, float[] r, float[] gAcc, double[] gA, float[] sumB,
            float skip, float[] gU, float[] gDelta, int states);

    /**
     * The backward pass of channels [e0, e1) of batch element bi: their gU, gΔ, gA, gD and gH0 in {@code g}, and
     * their shares of gB and gC added to the range's {@code w.sumB} and {@code w.sumC} (T·N, from index 0). Channel by
     * channel: {@link #recomputeChannel}, then {@link #backwardChannel} from the exit gradient.
     */
    default void backwardChannels(ScanGradients g, int bi, int e0, int e1, RangeBuffers w) {
        int states = g.states;
        Arrays.fill(w.gAcc, 0); // each channel's walk flushes them to zero at its end
        for (int e = e0; e < e1; e++) {
            int aOff = e * states;
            int hOff = g.state(bi, e);
            int i0 = g.tokens(bi) + e;
            // recompute the decays exp(Δ_t A) and exp(Δ_t A)·h_{t−1}; gC's share of this channel on the way
            recomputeChannel(g.a, aOff, g.delta, g.u, g.gy, i0, g.channels, g.length, g.b, g.selections(bi), g.h0,
                    hOff, w.hc, w.q(), w.dec(), w.sumC, states);
            // walk backwards: r_t = C_t·gy_t + exp(Δ_{t+1}A)·r_{t+1}, starting from the exit gradient
            if (g.exit != null) {
                System.arraycopy(g.exit, hOff, w.r, 0, states);
            } else {
                Arrays.fill(w.r, 0);
            }
            g.gD[e] += backwardChannel(g.a, aOff, g.delta, g.u, g.gy, i0, g.channels, g.length, g.b, g.c,
                    g.selections(bi), w.q(), w.dec(), w.r, w.gAcc, g.gA, w.sumB, g.d[e], g.gU, g.gDelta, states);
            for (int n = 0; n < states; n++) {
                g.gH0[hOff + n] = w.r[n] * w.dec()[n];
            }
        }
    }

    /** Adds the float sums to the double totals at {@code offset} and zeroes them. */
    static void flush(float[] sums, double[] totals, int offset, int states) {
        for (int n = 0; n < states; n++) {
            totals[offset + n] += sums[n];
            sums[n] = 0;
        }
    }

    /**
     * The fastest loops this JVM runs ({@link SimdLoops#best}). Both compute the same exponential ({@link ScanExp}), so
     * they differ only in the summation order of the state sums.
     */
    static StateLoops best() {
        return SimdLoops.best(StateLoops.class, "io.medseg.nn.mamba.VectorStateLoops", new ScalarStateLoops());
    }
}
