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
    private final ScalarStateLoops tail = new ScalarStateLoops();

    @Override
    public int lanes() {
        return LANES;
    }

    @Override
    public double forwardStep(double[] a, int aOff, double dt, double du, double[] b, double[] c, int bc, double[] h,
            int hOff, int states) {
        int bound = SPECIES.loopBound(states);
        DoubleVector acc = DoubleVector.zero(SPECIES);
        for (int n = 0; n < bound; n += LANES) {
            DoubleVector hn = decay(a, aOff + n, dt).mul(DoubleVector.fromArray(SPECIES, h, hOff + n))
                    .add(DoubleVector.fromArray(SPECIES, b, bc + n).mul(du));
            hn.intoArray(h, hOff + n);
            acc = DoubleVector.fromArray(SPECIES, c, bc + n).fma(hn, acc);
        }
        double y = acc.reduceLanes(VectorOperators.ADD);
        if (bound < states) {
            y += tail.forwardStep(a, aOff + bound, dt, du, b, c, bc + bound, h, hOff + bound, states - bound);
        }
        return y;
    }

    @Override
    public void recomputeStep(double[] a, int aOff, double dt, double du, double[] b, int bc, double[] prev, int p,
            double[] h, double[] dec, int o, int states) {
        int bound = SPECIES.loopBound(states);
        for (int n = 0; n < bound; n += LANES) {
            DoubleVector decay = decay(a, aOff + n, dt);
            decay.intoArray(dec, o + n);
            decay.mul(DoubleVector.fromArray(SPECIES, prev, p + n))
                    .add(DoubleVector.fromArray(SPECIES, b, bc + n).mul(du)).intoArray(h, o + n);
        }
        if (bound < states) {
            tail.recomputeStep(a, aOff + bound, dt, du, b, bc + bound, prev, p + bound, h, dec, o + bound,
                    states - bound);
        }
    }

    @Override
    public void backwardStep(double gi, double dt, double du, double[] a, int aOff, double[] b, double[] c, int bc,
            double[] carry, int carryOff, double[] r, int rOff, double[] hPrev, int p, double[] h, double[] dec, int o,
            double[] gA, double[] sumB, double[] sumC, int states, double[] out) {
        int bound = SPECIES.loopBound(states);
        DoubleVector gLogA = DoubleVector.zero(SPECIES);
        DoubleVector gDu = DoubleVector.zero(SPECIES);
        for (int n = 0; n < bound; n += LANES) {
            DoubleVector rn = DoubleVector.fromArray(SPECIES, c, bc + n).mul(gi)
                    .add(DoubleVector.fromArray(SPECIES, carry, carryOff + n).mul(DoubleVector.fromArray(SPECIES, r, rOff + n)));
            rn.intoArray(r, rOff + n);
            DoubleVector gLog = rn.mul(DoubleVector.fromArray(SPECIES, hPrev, p + n))
                    .mul(DoubleVector.fromArray(SPECIES, dec, o + n));
            DoubleVector.fromArray(SPECIES, gA, aOff + n).add(gLog.mul(dt)).intoArray(gA, aOff + n);
            DoubleVector av = DoubleVector.fromArray(SPECIES, a, aOff + n);
            gLogA = gLog.fma(av, gLogA);
            gDu = rn.fma(DoubleVector.fromArray(SPECIES, b, bc + n), gDu);
            DoubleVector.fromArray(SPECIES, sumB, o + n).add(rn.mul(du)).intoArray(sumB, o + n);
            DoubleVector.fromArray(SPECIES, sumC, o + n).add(DoubleVector.fromArray(SPECIES, h, o + n).mul(gi))
                    .intoArray(sumC, o + n);
        }
        double gLogASum = gLogA.reduceLanes(VectorOperators.ADD);
        double gDuSum = gDu.reduceLanes(VectorOperators.ADD);
        if (bound < states) {
            tail.backwardStep(gi, dt, du, a, aOff + bound, b, c, bc + bound, carry, carryOff + bound, r, rOff + bound,
                    hPrev, p + bound, h, dec, o + bound, gA, sumB, sumC, states - bound, out);
            gLogASum += out[0];
            gDuSum += out[1];
        }
        out[0] = gLogASum;
        out[1] = gDuSum;
    }

    /** exp(Δ·a) for the lanes of a starting at {@code offset}. */
    private static DoubleVector decay(double[] a, int offset, double dt) {
        return DoubleVector.fromArray(SPECIES, a, offset).mul(dt).lanewise(VectorOperators.EXP);
    }
}
