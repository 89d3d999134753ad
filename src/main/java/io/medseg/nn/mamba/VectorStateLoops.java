package io.medseg.nn.mamba;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link StateLoops} on SIMD lanes (the JDK's incubating Vector API: 8 floats on AVX2, 16 on AVX-512): full groups of
 * that many channels walk together, a channel per lane, with {@link ScanExp}'s exponential on vectors (the same
 * steps, so the same decays as the scalar loops); the channels after the last full group take the scalar loops this
 * class extends. Loaded only through {@link StateLoops#best}.
 */
final class VectorStateLoops extends ScalarStateLoops implements SimdLoops.VectorWidth {
    /** The preferred float vectors, shared by the mamba package's SIMD loops. */
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();

    @Override
    public int lanes() {
        return LANES;
    }

    @Override
    public int channelGroup() {
        return LANES;
    }

    /**
     * Full groups of {@code LANES} channels walk together, a channel per lane and the states one after another: Δ, u
     * and y are contiguous vectors of the (B, T, E) rows, b_t,n and c_t,n broadcasts, and y needs no sum across lanes.
     * A and the states are transposed into (N, lanes) for the walk. Remaining channels walk one at a time.
     */
    @Override
    public void forwardChannels(float[] a, float[] dd, float[] uu, int x0, int channels, int e0, int e1, int length,
            float[] b, float[] c, int bc0, float[] h, int hBase, float[] skip, float[] y, int states, float[] starts,
            int sBase) {
        float[] aT = new float[states * LANES];
        float[] hT = new float[states * LANES];
        int kept = StateLoops.subBlocks(length) * states;
        int e = e0;
        for (; e + LANES <= e1; e += LANES) {
            for (int lane = 0; lane < LANES; lane++) {
                for (int n = 0; n < states; n++) {
                    aT[n * LANES + lane] = a[(e + lane) * states + n];
                    hT[n * LANES + lane] = h[hBase + (e + lane) * states + n];
                }
            }
            FloatVector skipV = FloatVector.fromArray(SPECIES, skip, e);
            for (int t0 = 0; t0 < length; t0 += SUB) {
                for (int lane = 0; lane < LANES; lane++) {
                    int s = sBase + (e + lane) * kept + t0 / SUB * states;
                    for (int n = 0; n < states; n++) {
                        starts[s + n] = hT[n * LANES + lane];
                    }
                }
                forwardSubBlock(aT, dd, uu, x0 + e, channels, t0, Math.min(length, t0 + SUB), b, c, bc0, hT, skipV, y,
                        states);
            }
            for (int lane = 0; lane < LANES; lane++) {
                for (int n = 0; n < states; n++) {
                    h[hBase + (e + lane) * states + n] = hT[n * LANES + lane];
                }
            }
        }
        super.forwardChannels(a, dd, uu, x0, channels, e, e1, length, b, c, bc0, h, hBase, skip, y, states, starts,
                sBase);
    }

    /** A group's forward walk over tokens [t0, t1) from its state hT (N, lanes), in place; x0 is (bi, 0, e). */
    private static void forwardSubBlock(float[] aT, float[] dd, float[] uu, int x0, int channels, int t0, int t1,
            float[] b, float[] c, int bc0, float[] hT, FloatVector skipV, float[] y, int states) {
        for (int t = t0; t < t1; t++) {
            int i = x0 + t * channels;
            int bc = bc0 + t * states;
            FloatVector dt = FloatVector.fromArray(SPECIES, dd, i);
            FloatVector ut = FloatVector.fromArray(SPECIES, uu, i);
            FloatVector du = dt.mul(ut);
            FloatVector dt2 = dt.mul(ScanExp.LOG2E);
            FloatVector acc = FloatVector.zero(SPECIES);
            for (int n = 0; n < states; n++) {
                int o = n * LANES;
                FloatVector decay = exp2(dt2.mul(FloatVector.fromArray(SPECIES, aT, o)));
                FloatVector hn = bc(b[bc + n]).fma(du, decay.mul(FloatVector.fromArray(SPECIES, hT, o)));
                hn.intoArray(hT, o);
                acc = bc(c[bc + n]).fma(hn, acc);
            }
            skipV.fma(ut, acc).intoArray(y, i);
        }
    }

    /**
     * Full groups of {@code LANES} channels walk together, a channel per lane, as the forward does: the block is cut
     * into sub-blocks of {@link #SUB} tokens whose decays and carried states (SUB·N·LANES values each) stay in cache.
     * Each group's state at every sub-block start is the one the forward kept ({@link ScanGradients#starts}; without
     * them, a first forward walk computes them); then, sub-block by sub-block from the end, each group recomputes its
     * decays and states from there and walks backwards, carrying r across sub-blocks. gB and gC, sums over channels,
     * gather per lane over the range's groups and are summed across lanes once per sub-block. Remaining channels take
     * the per-channel walks.
     */
    @Override
    public void backwardChannels(ScanGradients g, int bi, int e0, int e1, RangeBuffers w) {
        int groups = (e1 - e0) / LANES;
        int tail = e0 + groups * LANES;
        if (groups > 0) {
            backwardGroups(g, bi, e0, groups, w);
        }
        if (tail < e1) {
            super.backwardChannels(g, bi, tail, e1, w);
        }
    }

    /** Scratch slots of {@link RangeBuffers} used by {@link #backwardGroups}. */
    private static final int A_T = 0, STARTS = 1, CARRY = 2, DEC = 3, Q = 4, SUM_B = 5, SUM_C = 6, H = 7, G_A = 8,
            G_D = 9;

    /**
     * {@link #backwardChannels} for {@code groups} full groups from channel e0. Each walk is its own small method: the
     * JIT inlines the Vector API calls (and so keeps vectors in registers) only in methods of modest size.
     */
    private static void backwardGroups(ScanGradients g, int bi, int e0, int groups, RangeBuffers w) {
        int states = g.states;
        int nw = states * LANES;
        int subs = StateLoops.subBlocks(g.length);
        float[] aT = w.scratch(A_T, groups * nw); // A rows as (N, lanes) per group
        float[] starts = w.scratch(STARTS, groups * subs * nw); // each group's state at each sub-block start
        float[] carry = w.scratch(CARRY, groups * nw); // r carried to the previous token: exp(Δ_{t+1}A)·r_{t+1}
        float[] sumB = w.scratch(SUM_B, SUB * nw);
        float[] sumC = w.scratch(SUM_C, SUB * nw);
        for (int k = 0; k < groups; k++) {
            int e = e0 + k * LANES;
            float[] h = w.scratch(H, nw);
            for (int lane = 0; lane < LANES; lane++) {
                int hOff = g.state(bi, e + lane);
                for (int n = 0; n < states; n++) {
                    aT[k * nw + n * LANES + lane] = g.a[(e + lane) * states + n];
                    h[n * LANES + lane] = g.h0[hOff + n];
                    carry[k * nw + n * LANES + lane] = g.exit == null ? 0 : g.exit[hOff + n];
                }
            }
            if (g.starts == null) {
                keepSubBlockStarts(g, bi, e, aT, k * nw, h, starts, k * subs * nw);
            } else {
                gatherSubBlockStarts(g, bi, e, starts, k * subs * nw);
            }
        }
        for (int sub = subs - 1; sub >= 0; sub--) {
            int t0 = sub * SUB;
            int len = Math.min(g.length, t0 + SUB) - t0;
            Arrays.fill(sumB, 0, len * nw, 0);
            Arrays.fill(sumC, 0, len * nw, 0);
            for (int k = 0; k < groups; k++) {
                int e = e0 + k * LANES;
                float[] h = w.scratch(H, nw);
                System.arraycopy(starts, (k * subs + sub) * nw, h, 0, nw);
                recomputeSubBlock(g, bi, e, t0, len, aT, k * nw, h, w.scratch(DEC, SUB * nw), w.scratch(Q, SUB * nw),
                        sumC);
                float[] gA = w.scratch(G_A, nw);
                float[] gD = w.scratch(G_D, LANES);
                reverseSubBlock(g, bi, e, t0, len, aT, k * nw, w.scratch(DEC, SUB * nw), w.scratch(Q, SUB * nw), carry,
                        gA, gD, sumB);
                for (int lane = 0; lane < LANES; lane++) {
                    g.gD[e + lane] += gD[lane];
                    for (int n = 0; n < states; n++) {
                        g.gA[(e + lane) * states + n] += gA[n * LANES + lane];
                    }
                }
            }
            // the sub-block's gB and gC shares: per-lane sums over the range's groups, summed across lanes once
            addLaneSums(sumB, len * states, w.sumB, t0 * states);
            addLaneSums(sumC, len * states, w.sumC, t0 * states);
        }
        for (int k = 0; k < groups; k++) {
            int e = e0 + k * LANES;
            for (int lane = 0; lane < LANES; lane++) {
                int hOff = g.state(bi, e + lane);
                for (int n = 0; n < states; n++) {
                    g.gH0[hOff + n] = carry[k * nw + n * LANES + lane];
                }
            }
        }
    }

    /**
     * Adds the lane sums of {@code count} vectors (at {@code perLane[j·LANES]}, overwritten) to {@code into[at + j]}.
     * LANES vectors at a time fold pairwise into one whose lane j holds vector j's sum: at each step, lanes with bit h
     * of their index clear keep the pair's first vector's sums of lanes l and l^h, lanes with it set the second's.
     * That is LANES − 1 blend-blend-permute-add steps for LANES sums, where a reduction per vector (the JIT's
     * {@code reduceLanes}, in lane order) is a chain of LANES − 1 dependent scalar adds each; the gB and gC sums of the
     * backward pass took as long as one of its walks that way. Vectors after the last full set use reduceLanes.
     */
    private static void addLaneSums(float[] perLane, int count, float[] into, int at) {
        int full = count - count % LANES;
        for (int j0 = 0; j0 < full; j0 += LANES) {
            int base = j0 * LANES;
            for (int level = 0, h = LANES / 2; h >= 1; level++, h /= 2) {
                VectorMask<Float> high = HIGH_HALF[level];
                VectorShuffle<Float> swap = SWAP_HALVES[level];
                for (int i = 0; i < h; i++) {
                    FloatVector first = FloatVector.fromArray(SPECIES, perLane, base + i * LANES);
                    FloatVector second = FloatVector.fromArray(SPECIES, perLane, base + (i + h) * LANES);
                    first.blend(second, high).add(second.blend(first, high).rearrange(swap))
                            .intoArray(perLane, base + i * LANES);
                }
            }
            FloatVector.fromArray(SPECIES, into, at + j0).add(FloatVector.fromArray(SPECIES, perLane, base))
                    .intoArray(into, at + j0);
        }
        for (int j = full; j < count; j++) {
            into[at + j] += FloatVector.fromArray(SPECIES, perLane, j * LANES).reduceLanes(VectorOperators.ADD);
        }
    }

    /** Folding steps of {@link #addLaneSums}: h = LANES/2, LANES/4, …, 1. */
    private static final int FOLDS = Integer.numberOfTrailingZeros(LANES);
    /** Per folding step: the lanes with bit h set. */
    @SuppressWarnings("unchecked")
    private static final VectorMask<Float>[] HIGH_HALF = new VectorMask[FOLDS];
    /** Per folding step: lane l takes lane l^h. */
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] SWAP_HALVES = new VectorShuffle[FOLDS];

    static {
        for (int level = 0, h = LANES / 2; h >= 1; level++, h /= 2) {
            final int bit = h;
            long lanes = 0;
            for (int l = 0; l < LANES; l++) {
                lanes |= (l & bit) != 0 ? 1L << l : 0;
            }
            HIGH_HALF[level] = VectorMask.fromLong(SPECIES, lanes);
            SWAP_HALVES[level] = VectorShuffle.fromOp(SPECIES, l -> l ^ bit);
        }
    }

    /** The group's states at every sub-block start as its forward kept them, transposed to (sub-block, N, lanes). */
    private static void gatherSubBlockStarts(ScanGradients g, int bi, int e, float[] starts, int sOff) {
        int states = g.states;
        int subs = StateLoops.subBlocks(g.length);
        for (int lane = 0; lane < LANES; lane++) {
            int from = g.kept(bi, e + lane);
            for (int sub = 0; sub < subs; sub++) {
                for (int n = 0; n < states; n++) {
                    starts[sOff + sub * states * LANES + n * LANES + lane] = g.starts[from + sub * states + n];
                }
            }
        }
    }

    /** The group's forward walk over the block from h, keeping its state at every sub-block start. */
    private static void keepSubBlockStarts(ScanGradients g, int bi, int e, float[] aT, int ak, float[] h,
            float[] starts, int sOff) {
        int states = g.states;
        int nw = states * LANES;
        int x0 = g.tokens(bi);
        int bc0 = g.selections(bi);
        for (int t0 = 0; t0 < g.length; t0 += SUB) {
            System.arraycopy(h, 0, starts, sOff + t0 / SUB * nw, nw);
            walkStates(g, x0 + e, bc0, t0, Math.min(g.length, t0 + SUB), aT, ak, h);
        }
    }

    /** The group's states h over tokens [t0, t1), in place. */
    private static void walkStates(ScanGradients g, int x0, int bc0, int t0, int t1, float[] aT, int ak, float[] h) {
        int states = g.states;
        for (int t = t0; t < t1; t++) {
            int i = x0 + t * g.channels;
            FloatVector dt = FloatVector.fromArray(SPECIES, g.delta, i);
            FloatVector du = dt.mul(FloatVector.fromArray(SPECIES, g.u, i));
            FloatVector dt2 = dt.mul(ScanExp.LOG2E);
            int bc = bc0 + t * states;
            for (int n = 0; n < states; n++) {
                int o = n * LANES;
                FloatVector decay = exp2(dt2.mul(FloatVector.fromArray(SPECIES, aT, ak + o)));
                bc(g.b[bc + n]).fma(du, decay.mul(FloatVector.fromArray(SPECIES, h, o))).intoArray(h, o);
            }
        }
    }

    /**
     * The group's decays (dec) and carried states (q = decay·h_{t−1}) over tokens [t0, t0+len) from the sub-block's
     * start state h, as (token, state, lane); adds gy·h_t, the group's share of gC, per lane to sumC.
     */
    private static void recomputeSubBlock(ScanGradients g, int bi, int e, int t0, int len, float[] aT, int ak,
            float[] h, float[] dec, float[] q, float[] sumC) {
        int states = g.states;
        int x0 = g.tokens(bi);
        int bc0 = g.selections(bi);
        for (int tt = 0; tt < len; tt++) {
            int t = t0 + tt;
            int i = x0 + t * g.channels + e;
            int bc = bc0 + t * states;
            FloatVector dt = FloatVector.fromArray(SPECIES, g.delta, i);
            FloatVector du = dt.mul(FloatVector.fromArray(SPECIES, g.u, i));
            FloatVector dt2 = dt.mul(ScanExp.LOG2E);
            FloatVector gy = FloatVector.fromArray(SPECIES, g.gy, i);
            for (int n = 0; n < states; n++) {
                int o = (tt * states + n) * LANES;
                FloatVector decay = exp2(dt2.mul(FloatVector.fromArray(SPECIES, aT, ak + n * LANES)));
                decay.intoArray(dec, o);
                FloatVector carried = decay.mul(FloatVector.fromArray(SPECIES, h, n * LANES));
                carried.intoArray(q, o);
                FloatVector hn = bc(g.b[bc + n]).fma(du, carried);
                hn.intoArray(h, n * LANES);
                hn.fma(gy, FloatVector.fromArray(SPECIES, sumC, o)).intoArray(sumC, o);
            }
        }
    }

    /**
     * The group's reverse walk over tokens [t0, t0+len): r_t = C_t·gy_t + carry, carry ← r_t·exp(Δ_t A) for the token
     * before; writes gU and gΔ, adds r·Δu (gB's share) per lane to sumB, and returns the sub-block's ∂L/∂a (gA, as
     * (N, lanes)) and Σ gy·u (gD) sums in float.
     */
    private static void reverseSubBlock(ScanGradients g, int bi, int e, int t0, int len, float[] aT, int ak,
            float[] dec, float[] q, float[] carry, float[] gA, float[] gD, float[] sumB) {
        int states = g.states;
        int x0 = g.tokens(bi);
        int bc0 = g.selections(bi);
        Arrays.fill(gA, 0, states * LANES, 0);
        FloatVector gDe = FloatVector.zero(SPECIES);
        FloatVector skip = FloatVector.fromArray(SPECIES, g.d, e);
        for (int tt = len - 1; tt >= 0; tt--) {
            int t = t0 + tt;
            int i = x0 + t * g.channels + e;
            int bc = bc0 + t * states;
            FloatVector dt = FloatVector.fromArray(SPECIES, g.delta, i);
            FloatVector ut = FloatVector.fromArray(SPECIES, g.u, i);
            FloatVector du = dt.mul(ut);
            FloatVector gy = FloatVector.fromArray(SPECIES, g.gy, i);
            FloatVector gLogA = FloatVector.zero(SPECIES);
            FloatVector gDu = FloatVector.zero(SPECIES);
            for (int n = 0; n < states; n++) {
                int o = (tt * states + n) * LANES;
                int co = ak + n * LANES;
                FloatVector rn = bc(g.c[bc + n]).fma(gy, FloatVector.fromArray(SPECIES, carry, co));
                FloatVector gLog = rn.mul(FloatVector.fromArray(SPECIES, q, o)); // ∂L/∂(Δ_t a_n)
                gLog.fma(dt, FloatVector.fromArray(SPECIES, gA, n * LANES)).intoArray(gA, n * LANES);
                gLogA = gLog.fma(FloatVector.fromArray(SPECIES, aT, co), gLogA);
                gDu = rn.fma(bc(g.b[bc + n]), gDu);
                rn.fma(du, FloatVector.fromArray(SPECIES, sumB, o)).intoArray(sumB, o);
                rn.mul(FloatVector.fromArray(SPECIES, dec, o)).intoArray(carry, co);
            }
            gDu.fma(dt, gy.mul(skip)).intoArray(g.gU, i);
            gDu.fma(ut, gLogA).intoArray(g.gDelta, i);
            gDe = gy.fma(ut, gDe);
        }
        gDe.intoArray(gD, 0);
    }

    /** {@link ScanExp#exp2}'s steps on a vector. */
    static FloatVector exp2(FloatVector t) {
        // blends, not min/max: one instruction each on x86, and a NaN (no lane compares) stays NaN
        t = t.blend(ScanExp.MIN, t.compare(VectorOperators.LT, ScanExp.MIN));
        t = t.blend(ScanExp.MAX, t.compare(VectorOperators.GT, ScanExp.MAX));
        FloatVector shifted = t.add(ScanExp.ROUNDER);
        FloatVector f = t.sub(shifted.sub(ScanExp.ROUNDER));
        FloatVector p = f.fma(ScanExp.Q0, ScanExp.Q1).fma(f, bc(ScanExp.Q2)).fma(f, bc(ScanExp.Q3))
                .fma(f, bc(ScanExp.Q4)).fma(f, bc(ScanExp.Q5)).fma(f, bc(1f));
        FloatVector twoToK = ((IntVector) shifted.reinterpretAsInts()).sub(ScanExp.EXPONENT_OFFSET)
                .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(twoToK);
    }

    /** The value in every lane (the Vector API's fma takes vectors or two scalars, not one of each). */
    private static FloatVector bc(float v) {
        return FloatVector.broadcast(SPECIES, v);
    }
}
