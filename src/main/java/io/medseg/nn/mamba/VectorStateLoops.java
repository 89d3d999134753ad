package io.medseg.nn.mamba;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link StateLoops} on SIMD lanes (the JDK's incubating Vector API, x86-64 AVX/AVX-512): the states are processed a
 * vector at a time and the exponentials by the JDK's vectorised (SVML) exponential, several times faster than one
 * {@link Math#exp} per state. States beyond the last full vector take the scalar formulas. Loaded only through
 * {@link StateLoops#best}.
 */
final class VectorStateLoops implements StateLoops, StateLoops.VectorWidth {
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    @Override
    public int lanes() {
        return LANES;
    }

    @Override
    public void forwardChannel(double[] a, int aOff, double[] dd, double[] uu, int i0, int stride, int length,
            double[] b, double[] c, int bc0, double[] h, int hOff, double skip, double[] y, int states) {
        if (states == 4 * LANES) {
            forwardChannel4(a, aOff, dd, uu, i0, stride, length, b, c, bc0, h, hOff, skip, y);
            return;
        }
        int bound = SPECIES.loopBound(states);
        for (int t = 0; t < length; t++) {
            int i = i0 + t * stride;
            double dt = dd[i];
            double du = dt * uu[i];
            int bc = bc0 + t * states;
            DoubleVector acc = DoubleVector.zero(SPECIES);
            for (int n = 0; n < bound; n += LANES) {
                DoubleVector hn = decay(a, aOff + n, dt).mul(DoubleVector.fromArray(SPECIES, h, hOff + n))
                        .add(DoubleVector.fromArray(SPECIES, b, bc + n).mul(du));
                hn.intoArray(h, hOff + n);
                acc = DoubleVector.fromArray(SPECIES, c, bc + n).fma(hn, acc);
            }
            double yi = acc.reduceLanes(VectorOperators.ADD);
            for (int n = bound; n < states; n++) {
                double hn = Math.exp(dt * a[aOff + n]) * h[hOff + n] + du * b[bc + n];
                h[hOff + n] = hn;
                yi += c[bc + n] * hn;
            }
            y[i] = yi + skip * uu[i];
        }
    }

    /** {@link #forwardChannel} for N = 4 vectors, with the state and a in registers. */
    private static void forwardChannel4(double[] a, int aOff, double[] dd, double[] uu, int i0, int stride,
            int length, double[] b, double[] c, int bc0, double[] h, int hOff, double skip, double[] y) {
        final int l1 = LANES;
        final int l2 = 2 * LANES;
        final int l3 = 3 * LANES;
        final int states = 4 * LANES;
        DoubleVector a0 = DoubleVector.fromArray(SPECIES, a, aOff);
        DoubleVector a1 = DoubleVector.fromArray(SPECIES, a, aOff + l1);
        DoubleVector a2 = DoubleVector.fromArray(SPECIES, a, aOff + l2);
        DoubleVector a3 = DoubleVector.fromArray(SPECIES, a, aOff + l3);
        DoubleVector h0v = DoubleVector.fromArray(SPECIES, h, hOff);
        DoubleVector h1v = DoubleVector.fromArray(SPECIES, h, hOff + l1);
        DoubleVector h2v = DoubleVector.fromArray(SPECIES, h, hOff + l2);
        DoubleVector h3v = DoubleVector.fromArray(SPECIES, h, hOff + l3);
        for (int t = 0; t < length; t++) {
            int i = i0 + t * stride;
            double dt = dd[i];
            double ui = uu[i];
            double du = dt * ui;
            int bc = bc0 + t * states;
            h0v = a0.mul(dt).lanewise(VectorOperators.EXP).mul(h0v)
                    .add(DoubleVector.fromArray(SPECIES, b, bc).mul(du));
            h1v = a1.mul(dt).lanewise(VectorOperators.EXP).mul(h1v)
                    .add(DoubleVector.fromArray(SPECIES, b, bc + l1).mul(du));
            h2v = a2.mul(dt).lanewise(VectorOperators.EXP).mul(h2v)
                    .add(DoubleVector.fromArray(SPECIES, b, bc + l2).mul(du));
            h3v = a3.mul(dt).lanewise(VectorOperators.EXP).mul(h3v)
                    .add(DoubleVector.fromArray(SPECIES, b, bc + l3).mul(du));
            DoubleVector acc = DoubleVector.fromArray(SPECIES, c, bc).fma(h0v, DoubleVector.zero(SPECIES));
            acc = DoubleVector.fromArray(SPECIES, c, bc + l1).fma(h1v, acc);
            acc = DoubleVector.fromArray(SPECIES, c, bc + l2).fma(h2v, acc);
            acc = DoubleVector.fromArray(SPECIES, c, bc + l3).fma(h3v, acc);
            y[i] = acc.reduceLanes(VectorOperators.ADD) + skip * ui;
        }
        h0v.intoArray(h, hOff);
        h1v.intoArray(h, hOff + l1);
        h2v.intoArray(h, hOff + l2);
        h3v.intoArray(h, hOff + l3);
    }

    @Override
    public void recomputeChannel(double[] a, int aOff, double[] dd, double[] uu, double[] g, int i0, int stride,
            int length, double[] b, int bc0, double[] h0, int hOff, double[] hc, double[] q, double[] dec, double[] sumC,
            int states) {
        if (states == 4 * LANES) {
            recomputeChannel4(a, aOff, dd, uu, g, i0, stride, length, b, bc0, h0, hOff, q, dec, sumC);
            return;
        }
        int bound = SPECIES.loopBound(states);
        System.arraycopy(h0, hOff, hc, 0, states);
        for (int t = 0; t < length; t++) {
            int i = i0 + t * stride;
            double dt = dd[i];
            double du = dt * uu[i];
            double gi = g[i];
            int o = t * states;
            int bc = bc0 + o;
            DoubleVector duV = DoubleVector.broadcast(SPECIES, du);
            DoubleVector giV = DoubleVector.broadcast(SPECIES, gi);
            for (int n = 0; n < bound; n += LANES) {
                DoubleVector decay = decay(a, aOff + n, dt);
                decay.intoArray(dec, o + n);
                DoubleVector carried = decay.mul(DoubleVector.fromArray(SPECIES, hc, n));
                carried.intoArray(q, o + n);
                DoubleVector hn = DoubleVector.fromArray(SPECIES, b, bc + n).fma(duV, carried);
                hn.intoArray(hc, n);
                hn.fma(giV, DoubleVector.fromArray(SPECIES, sumC, o + n)).intoArray(sumC, o + n);
            }
            for (int n = bound; n < states; n++) {
                double dec1 = Math.exp(dt * a[aOff + n]);
                dec[o + n] = dec1;
                double carried = dec1 * hc[n];
                q[o + n] = carried;
                double hn = carried + du * b[bc + n];
                hc[n] = hn;
                sumC[o + n] += hn * gi;
            }
        }
    }

    @Override
    public double backwardChannel(double[] a, int aOff, double[] dd, double[] uu, double[] g, int i0, int stride,
            int length, double[] b, double[] c, int bc0, double[] q, double[] dec, double[] r, double[] gA,
            double[] sumB, double skip, double[] gU, double[] gDelta, int states) {
        if (states == 4 * LANES) {
            return backwardChannel4(a, aOff, dd, uu, g, i0, stride, length, b, c, bc0, q, dec, r, gA, sumB, skip, gU,
                    gDelta);
        }
        int bound = SPECIES.loopBound(states);
        double gDe = 0;
        double[] ones = new double[states];
        java.util.Arrays.fill(ones, 1);
        for (int t = length - 1; t >= 0; t--) {
            int i = i0 + t * stride;
            double gi = g[i];
            double dt = dd[i];
            double ui = uu[i];
            double du = dt * ui;
            int o = t * states;
            int bc = bc0 + o;
            boolean last = t == length - 1;
            double[] carry = last ? ones : dec; // the next step's decays; ones at the last step
            int co = last ? 0 : o + states;
            DoubleVector gLogA = DoubleVector.zero(SPECIES);
            DoubleVector gDu = DoubleVector.zero(SPECIES);
            DoubleVector duV = DoubleVector.broadcast(SPECIES, du);
            DoubleVector giV = DoubleVector.broadcast(SPECIES, gi);
            DoubleVector dtV = DoubleVector.broadcast(SPECIES, dt);
            for (int n = 0; n < bound; n += LANES) {
                DoubleVector carried = DoubleVector.fromArray(SPECIES, r, n)
                        .mul(DoubleVector.fromArray(SPECIES, carry, co + n));
                DoubleVector rn = DoubleVector.fromArray(SPECIES, c, bc + n).fma(giV, carried);
                rn.intoArray(r, n);
                DoubleVector bv = DoubleVector.fromArray(SPECIES, b, bc + n);
                // ∂L/∂(Δ_t a_n) = r·exp(Δ_t a_n)·h_{t−1}
                DoubleVector gLog = rn.mul(DoubleVector.fromArray(SPECIES, q, o + n));
                gLog.fma(dtV, DoubleVector.fromArray(SPECIES, gA, aOff + n)).intoArray(gA, aOff + n);
                gLogA = gLog.fma(DoubleVector.fromArray(SPECIES, a, aOff + n), gLogA);
                gDu = rn.fma(bv, gDu);
                rn.fma(duV, DoubleVector.fromArray(SPECIES, sumB, o + n)).intoArray(sumB, o + n);
            }
            double gLogASum = gLogA.reduceLanes(VectorOperators.ADD);
            double gDuSum = gDu.reduceLanes(VectorOperators.ADD);
            for (int n = bound; n < states; n++) {
                double rn = gi * c[bc + n] + carry[co + n] * r[n];
                r[n] = rn;
                double bn = b[bc + n];
                double gLog = rn * q[o + n];
                gA[aOff + n] += gLog * dt;
                gLogASum += gLog * a[aOff + n];
                gDuSum += rn * bn;
                sumB[o + n] += rn * du;
            }
            gU[i] = gDuSum * dt + gi * skip;
            gDelta[i] = gLogASum + gDuSum * ui;
            gDe += gi * ui;
        }
        return gDe;
    }

    /** {@link #recomputeChannel} for N = 4 vectors, with the state and a in registers (as {@link #backwardChannel4}). */
    private static void recomputeChannel4(double[] a, int aOff, double[] dd, double[] uu, double[] g, int i0,
            int stride, int length, double[] b, int bc0, double[] h0, int hOff, double[] q, double[] dec,
            double[] sumC) {
        final int l1 = LANES;
        final int l2 = 2 * LANES;
        final int l3 = 3 * LANES;
        final int states = 4 * LANES;
        DoubleVector a0 = DoubleVector.fromArray(SPECIES, a, aOff);
        DoubleVector a1 = DoubleVector.fromArray(SPECIES, a, aOff + l1);
        DoubleVector a2 = DoubleVector.fromArray(SPECIES, a, aOff + l2);
        DoubleVector a3 = DoubleVector.fromArray(SPECIES, a, aOff + l3);
        DoubleVector h0v = DoubleVector.fromArray(SPECIES, h0, hOff);
        DoubleVector h1v = DoubleVector.fromArray(SPECIES, h0, hOff + l1);
        DoubleVector h2v = DoubleVector.fromArray(SPECIES, h0, hOff + l2);
        DoubleVector h3v = DoubleVector.fromArray(SPECIES, h0, hOff + l3);
        for (int t = 0; t < length; t++) {
            int i = i0 + t * stride;
            double dt = dd[i];
            double du = dt * uu[i];
            double gi = g[i];
            int o = t * states;
            int bc = bc0 + o;
            DoubleVector duV = DoubleVector.broadcast(SPECIES, du);
            DoubleVector giV = DoubleVector.broadcast(SPECIES, gi);
            DoubleVector d0 = a0.mul(dt).lanewise(VectorOperators.EXP);
            DoubleVector d1 = a1.mul(dt).lanewise(VectorOperators.EXP);
            DoubleVector d2 = a2.mul(dt).lanewise(VectorOperators.EXP);
            DoubleVector d3 = a3.mul(dt).lanewise(VectorOperators.EXP);
            d0.intoArray(dec, o);
            d1.intoArray(dec, o + l1);
            d2.intoArray(dec, o + l2);
            d3.intoArray(dec, o + l3);
            DoubleVector q0 = d0.mul(h0v);
            DoubleVector q1 = d1.mul(h1v);
            DoubleVector q2 = d2.mul(h2v);
            DoubleVector q3 = d3.mul(h3v);
            q0.intoArray(q, o);
            q1.intoArray(q, o + l1);
            q2.intoArray(q, o + l2);
            q3.intoArray(q, o + l3);
            h0v = DoubleVector.fromArray(SPECIES, b, bc).fma(duV, q0);
            h1v = DoubleVector.fromArray(SPECIES, b, bc + l1).fma(duV, q1);
            h2v = DoubleVector.fromArray(SPECIES, b, bc + l2).fma(duV, q2);
            h3v = DoubleVector.fromArray(SPECIES, b, bc + l3).fma(duV, q3);
            h0v.fma(giV, DoubleVector.fromArray(SPECIES, sumC, o)).intoArray(sumC, o);
            h1v.fma(giV, DoubleVector.fromArray(SPECIES, sumC, o + l1)).intoArray(sumC, o + l1);
            h2v.fma(giV, DoubleVector.fromArray(SPECIES, sumC, o + l2)).intoArray(sumC, o + l2);
            h3v.fma(giV, DoubleVector.fromArray(SPECIES, sumC, o + l3)).intoArray(sumC, o + l3);
        }
    }

    /**
     * {@link #backwardChannel} for N = 4 vectors (N = 16 on AVX2, Mamba's usual state size): r, gA and a stay in
     * registers over the whole walk, so a step loads only c, b, the carried decays, q and sumB. The same operations in
     * the same order as the general loop, so the same results.
     */
    private static double backwardChannel4(double[] a, int aOff, double[] dd, double[] uu, double[] g, int i0,
            int stride, int length, double[] b, double[] c, int bc0, double[] q, double[] dec, double[] r,
            double[] gA, double[] sumB, double skip, double[] gU, double[] gDelta) {
        final int l1 = LANES;
        final int l2 = 2 * LANES;
        final int l3 = 3 * LANES;
        final int states = 4 * LANES;
        DoubleVector a0 = DoubleVector.fromArray(SPECIES, a, aOff);
        DoubleVector a1 = DoubleVector.fromArray(SPECIES, a, aOff + l1);
        DoubleVector a2 = DoubleVector.fromArray(SPECIES, a, aOff + l2);
        DoubleVector a3 = DoubleVector.fromArray(SPECIES, a, aOff + l3);
        DoubleVector ga0 = DoubleVector.fromArray(SPECIES, gA, aOff);
        DoubleVector ga1 = DoubleVector.fromArray(SPECIES, gA, aOff + l1);
        DoubleVector ga2 = DoubleVector.fromArray(SPECIES, gA, aOff + l2);
        DoubleVector ga3 = DoubleVector.fromArray(SPECIES, gA, aOff + l3);
        DoubleVector r0 = DoubleVector.fromArray(SPECIES, r, 0);
        DoubleVector r1 = DoubleVector.fromArray(SPECIES, r, l1);
        DoubleVector r2 = DoubleVector.fromArray(SPECIES, r, l2);
        DoubleVector r3 = DoubleVector.fromArray(SPECIES, r, l3);
        double gDe = 0;
        for (int t = length - 1; t >= 0; t--) {
            int i = i0 + t * stride;
            double gi = g[i];
            double dt = dd[i];
            double ui = uu[i];
            double du = dt * ui;
            int o = t * states;
            int bc = bc0 + o;
            if (t < length - 1) { // carried through the next step's decays (at the last step r is the exit gradient)
                int co = o + states;
                r0 = r0.mul(DoubleVector.fromArray(SPECIES, dec, co));
                r1 = r1.mul(DoubleVector.fromArray(SPECIES, dec, co + l1));
                r2 = r2.mul(DoubleVector.fromArray(SPECIES, dec, co + l2));
                r3 = r3.mul(DoubleVector.fromArray(SPECIES, dec, co + l3));
            }
            DoubleVector duV = DoubleVector.broadcast(SPECIES, du);
            DoubleVector giV = DoubleVector.broadcast(SPECIES, gi);
            DoubleVector dtV = DoubleVector.broadcast(SPECIES, dt);
            r0 = DoubleVector.fromArray(SPECIES, c, bc).fma(giV, r0);
            r1 = DoubleVector.fromArray(SPECIES, c, bc + l1).fma(giV, r1);
            r2 = DoubleVector.fromArray(SPECIES, c, bc + l2).fma(giV, r2);
            r3 = DoubleVector.fromArray(SPECIES, c, bc + l3).fma(giV, r3);
            DoubleVector gLog0 = r0.mul(DoubleVector.fromArray(SPECIES, q, o));
            DoubleVector gLog1 = r1.mul(DoubleVector.fromArray(SPECIES, q, o + l1));
            DoubleVector gLog2 = r2.mul(DoubleVector.fromArray(SPECIES, q, o + l2));
            DoubleVector gLog3 = r3.mul(DoubleVector.fromArray(SPECIES, q, o + l3));
            ga0 = gLog0.fma(dtV, ga0);
            ga1 = gLog1.fma(dtV, ga1);
            ga2 = gLog2.fma(dtV, ga2);
            ga3 = gLog3.fma(dtV, ga3);
            DoubleVector gLogA = gLog3.fma(a3, gLog2.fma(a2, gLog1.fma(a1, gLog0.mul(a0))));
            DoubleVector b0 = DoubleVector.fromArray(SPECIES, b, bc);
            DoubleVector b1 = DoubleVector.fromArray(SPECIES, b, bc + l1);
            DoubleVector b2 = DoubleVector.fromArray(SPECIES, b, bc + l2);
            DoubleVector b3 = DoubleVector.fromArray(SPECIES, b, bc + l3);
            DoubleVector gDu = r3.fma(b3, r2.fma(b2, r1.fma(b1, r0.mul(b0))));
            r0.fma(duV, DoubleVector.fromArray(SPECIES, sumB, o)).intoArray(sumB, o);
            r1.fma(duV, DoubleVector.fromArray(SPECIES, sumB, o + l1)).intoArray(sumB, o + l1);
            r2.fma(duV, DoubleVector.fromArray(SPECIES, sumB, o + l2)).intoArray(sumB, o + l2);
            r3.fma(duV, DoubleVector.fromArray(SPECIES, sumB, o + l3)).intoArray(sumB, o + l3);
            double gLogASum = gLogA.reduceLanes(VectorOperators.ADD);
            double gDuSum = gDu.reduceLanes(VectorOperators.ADD);
            gU[i] = gDuSum * dt + gi * skip;
            gDelta[i] = gLogASum + gDuSum * ui;
            gDe += gi * ui;
        }
        ga0.intoArray(gA, aOff);
        ga1.intoArray(gA, aOff + l1);
        ga2.intoArray(gA, aOff + l2);
        ga3.intoArray(gA, aOff + l3);
        r0.intoArray(r, 0);
        r1.intoArray(r, l1);
        r2.intoArray(r, l2);
        r3.intoArray(r, l3);
        return gDe;
    }

    /** exp(Δ·a) for the lanes of a starting at {@code offset}. */
    private static DoubleVector decay(double[] a, int offset, double dt) {
        return DoubleVector.fromArray(SPECIES, a, offset).mul(dt).lanewise(VectorOperators.EXP);
    }
}
