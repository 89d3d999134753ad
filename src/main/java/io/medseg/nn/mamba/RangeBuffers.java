package io.medseg.nn.mamba;

import java.util.Arrays;

/**
 * One channel range's buffers in the CPU scan's backward pass: its shares of gB and gC (T·N, zeroed per batch
 * element), the per-channel walks' decays and carried states (T·N each, made when first used) and N-value carries,
 * and scratch arrays the SIMD loops size as they need ({@link #scratch}). Kept between blocks (see
 * {@link CpuScanKernel}); every value is written or zeroed before it is read, so reuse does not change results.
 */
final class RangeBuffers {
    final float[] sumB;
    final float[] sumC;
    private float[] q;
    private float[] dec;
    final float[] r;
    final float[] hc;
    final float[] gAcc;
    private final float[][] scratch = new float[10][];

    RangeBuffers(int tn, int states) {
        sumB = new float[tn];
        sumC = new float[tn];
        r = new float[states];
        hc = new float[states];
        gAcc = new float[states];
    }

    /**
     * The per-channel walks' carried states (T·N), made on first use: only the scalar loops take them (on SIMD lanes
     * only for the channels after the last full group), so the SIMD path with whole groups never allocates them.
     */
    float[] q() {
        if (q == null) {
            q = new float[sumB.length];
        }
        return q;
    }

    /** The per-channel walks' decays (T·N), made on first use as {@link #q}. */
    float[] dec() {
        if (dec == null) {
            dec = new float[sumB.length];
        }
        return dec;
    }

    int capacity() {
        return sumB.length;
    }

    /** Scratch array {@code slot} with at least {@code size} values (contents undefined). */
    float[] scratch(int slot, int size) {
        if (scratch[slot] == null || scratch[slot].length < size) {
            scratch[slot] = new float[size];
        }
        return scratch[slot];
    }

    /** Zeroes the gB and gC shares for a new batch element. */
    void clearSums(int tn) {
        Arrays.fill(sumB, 0, tn, 0);
        Arrays.fill(sumC, 0, tn, 0);
    }
}
