package io.medseg.nn.mamba;

/**
 * The single-precision exponential of the CPU scan, as plain arithmetic so that the scalar loops and the SIMD lanes
 * ({@link VectorStateLoops} repeats the same steps on vectors) give bit-identical decays. A decay exp(Δ·a) is taken as
 * 2^((Δ·log₂e)·a), with Δ·log₂e formed once per token and channel: x = k + f with k the nearest integer and
 * |f| ≤ ½, Cephes' degree-6 polynomial for 2^f (within one float ulp of 2^t over the whole range) and 2^k assembled in
 * the exponent bits. Against exp(x) itself this is one ulp of 2^t plus the rounding of Δ·log₂e, the same size as the
 * rounding of Δ·a that exp(Δ·a) has anyway: at most 7.3e-8 absolute on a decay, against 4.7e-8 for exp of the rounded
 * Δ·a. The former way, Cody-Waite reduction of x and a degree-7 polynomial, took 13 dependent operations where this
 * takes 10, and the scan's loops wait on that chain: their forward walk took a fifth less time.
 *
 * <p>The rounding of t to the nearest integer k adds and subtracts 1.5·2²³, whose float sum holds k in its low mantissa
 * bits. Arguments are clamped to [-126, 127] (the normal range), so a decay that underflows is 1.2e-38 instead of a
 * denormal or 0: no difference after it multiplies a state. NaN stays NaN.
 */
final class ScanExp {
    static final float LOG2E = 1.44269504088896341f;
    static final float ROUNDER = 12582912f; // 1.5·2²³
    /** bits(ROUNDER + k) − bits(2^k)>>>23 offset: (bits − ROUNDER_BITS + 127) << 23 is 2^k. */
    static final int EXPONENT_OFFSET = Float.floatToRawIntBits(ROUNDER) - 127;
    static final float MIN = -126f;
    static final float MAX = 127f;
    /** Cephes' exp2f: 2^f ≈ 1 + f·(((((Q0·f + Q1)·f + Q2)·f + Q3)·f + Q4)·f + Q5) for |f| ≤ ½. */
    static final float Q0 = 1.535336188319500e-4f;
    static final float Q1 = 1.339887440266574e-3f;
    static final float Q2 = 9.618437357674640e-3f;
    static final float Q3 = 5.550332471162809e-2f;
    static final float Q4 = 2.402264791363012e-1f;
    static final float Q5 = 6.931472028550421e-1f;

    private ScanExp() {
    }

    /** 2^t; exp(x) is {@code exp2(x·LOG2E)}, the scan forms Δ·LOG2E once and multiplies by each a. */
    static float exp2(float t) {
        t = t < MIN ? MIN : t; // comparisons, not Math.min/max: NaN stays NaN, as in the SIMD blends
        t = t > MAX ? MAX : t;
        float shifted = t + ROUNDER;
        float f = t - (shifted - ROUNDER);
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(Q0, f, Q1), f, Q2), f, Q3), f, Q4), f, Q5), f,
                1f);
        return p * Float.intBitsToFloat((Float.floatToRawIntBits(shifted) - EXPONENT_OFFSET) << 23);
    }
}
