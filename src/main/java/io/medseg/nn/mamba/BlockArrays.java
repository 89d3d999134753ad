package io.medseg.nn.mamba;

import java.lang.ref.SoftReference;

/**
 * The CPU scan's per-block copies of its large inputs and outputs ((B, T, E) and (B, T, N) values), kept per thread
 * between blocks: a block's forward and backward each copy up to six such arrays in or out, and fresh Java arrays of
 * that size are zero-filled first, work a reused array does not need because every value is copied in or written by
 * the loops before it is read (the {@code +=} sums gB and gC are cleared by the kernel). Arrays only grow, so after the
 * first block of the largest layer every block reuses them; their contents beyond the block's values are undefined,
 * so the loops index by the block's shape, never by an array's length. Held softly: given up under memory pressure.
 */
final class BlockArrays {
    static final int U = 0, DELTA = 1, B = 2, C = 3, GY = 4, Y = 5, GU = 6, GDELTA = 7, GB = 8, GC = 9;
    private static final ThreadLocal<SoftReference<BlockArrays>> PER_THREAD = new ThreadLocal<>();

    private final float[][] arrays = new float[10][];

    private BlockArrays() {
    }

    /** This thread's arrays. */
    static BlockArrays current() {
        SoftReference<BlockArrays> kept = PER_THREAD.get();
        BlockArrays arrays = kept == null ? null : kept.get();
        if (arrays == null) {
            arrays = new BlockArrays();
            PER_THREAD.set(new SoftReference<>(arrays));
        }
        return arrays;
    }

    /** Array {@code slot} with at least {@code size} values (contents undefined). */
    float[] take(int slot, int size) {
        if (arrays[slot] == null || arrays[slot].length < size) {
            arrays[slot] = new float[size];
        }
        return arrays[slot];
    }
}
