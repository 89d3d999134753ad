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
    final float[] r;
    final float[] hc;
    final float[] gAcc;
    /** Slots 0-9 are the SIMD loops' scratch arrays; 10 and 11 the scalar loops' carried states and decays. */
    private final FloatSlots scratch = new FloatSlots(12);

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
        return scratch.take(10, sumB.length);
    }

    /** The per-channel walks' decays (T·N), made on first use as {@link #q}. */
    float[] dec() {
        return scratch.take(11, sumB.length);
    }

    int capacity() {
        return sumB.length;
    }

    /** The SIMD loops' scratch array {@code slot} (0-9) with at least {@code size} values (contents undefined). */
    float[] scratch(int slot, int size) {
        return scratch.take(slot, size);
    }

    /** Zeroes the gB and gC shares for a new batch element. */
    void clearSums(int tn) {
        Arrays.fill(sumB, 0, tn, 0);
        Arrays.fill(sumC, 0, tn, 0);
    }
}
