package io.medseg.nn.mamba;

import java.lang.ref.SoftReference;

/**
 * The CPU scan's per-block copies of its large inputs and outputs ((B, T, E) and (B, T, N) values), kept per thread
 * between blocks ({@link FloatSlots}): a block's forward and backward each copy up to six such arrays in or out, and
 * fresh Java arrays of that size are zero-filled first, work a reused array does not need because every value is
 * copied in or written by the loops before it is read (the {@code +=} sums gB and gC are cleared by the kernel). After
 * the first block of the largest layer every block reuses them. Held softly: given up under memory pressure.
 * {@link CausalConvSilu} uses the same slots for its (B, L, E) copies (x in U, its output in Y, the upstream gradient
 * in GY, the gradient at the convolution in GDELTA, the input gradient in GU): a kernel call writes every value of a
 * slot it reads, and calls on one thread never overlap.
 */
final class BlockArrays {
    static final int U = 0, DELTA = 1, B = 2, C = 3, GY = 4, Y = 5, GU = 6, GDELTA = 7, GB = 8, GC = 9;
    private static final ThreadLocal<SoftReference<FloatSlots>> PER_THREAD = new ThreadLocal<>();

    private BlockArrays() {
    }

    /** This thread's arrays, slots as the constants above. */
    static FloatSlots current() {
        SoftReference<FloatSlots> kept = PER_THREAD.get();
        FloatSlots arrays = kept == null ? null : kept.get();
        if (arrays == null) {
            arrays = new FloatSlots(GC + 1);
            PER_THREAD.set(new SoftReference<>(arrays));
        }
        return arrays;
    }
}
