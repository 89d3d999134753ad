package io.medseg.nn.mamba;

/**
 * The single-precision exponential of the CPU scan, as plain arithmetic so that the scalar loops and the SIMD lanes
 * ({@link VectorStateLoops} repeats the same steps on vectors) give bit-identical decays: Cody-Waite reduction
 * x = k·ln2 + r with |r| ≤ ln2/2, Cephes' degree-7 polynomial for e^r (relative error about one float ulp) and 2^k
 * assembled in the exponent bits. The rounding of x·log₂e to the nearest integer k adds and subtracts 1.5·2²³, whose
 * float sum holds k in its low mantissa bits. Arguments are clamped to [-87.34, 88.37] (the normal range), so a decay
 * that underflows is 1.2e-38 instead of a denormal or 0: no difference after it multiplies a state. NaN stays NaN.
 */
final class ScanExp {
    static final float LOG2E = 1.44269504088896341f;
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    static final float ROUNDER = 12582912f; // 1.5·2²³
    /** bits(ROUNDER + k) − bits(2^k)>>>23 offset: (bits − ROUNDER_BITS + 127) << 23 is 2^k. */
    static final int EXPONENT_OFFSET = Float.floatToRawIntBits(ROUNDER) - 127;
    static final float MIN = -87.336544f;
    static final float MAX = 88.37626f;
    static final float P0 = 1.9875691500e-4f;
    static final float P1 = 1.3981999507e-3f;
    static final float P2 = 8.3334519073e-3f;
    static final float P3 = 4.1665795894e-2f;
    static final float P4 = 1.6666665459e-1f;
    static final float P5 = 5.0000001201e-1f;

    private ScanExp() {
    }

    static float exp(float x) {
        x = x < MIN ? MIN : x; // comparisons, not Math.min/max: NaN stays NaN, as in the SIMD blends
        x = x > MAX ? MAX : x;
        float shifted = Math.fma(x, LOG2E, ROUNDER);
        float k = shifted - ROUNDER;
        float r = Math.fma(k, -LN2_HI, x);
        r = Math.fma(k, -LN2_LO, r);
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(P0, r, P1), r, P2), r, P3), r, P4), r, P5);
        float e = Math.fma(p, r * r, r) + 1f;
        return e * Float.intBitsToFloat((Float.floatToRawIntBits(shifted) - EXPONENT_OFFSET) << 23);
    }
}
