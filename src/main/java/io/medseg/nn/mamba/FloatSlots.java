package io.medseg.nn.mamba;

/**
 * Numbered float arrays that only grow, for buffers the CPU scan keeps between blocks: {@link #take} hands out slot
 * k's array with at least the asked size, allocating only when it is missing or too small. Contents are undefined
 * (whatever the last user left), and an array may be longer than asked: users write every value they read and index by
 * their block's shape, never by the array's length.
 */
final class FloatSlots {
    private final float[][] arrays;

    FloatSlots(int slots) {
        arrays = new float[slots][];
    }

    /** Slot {@code slot}'s array with at least {@code size} values (contents undefined). */
    float[] take(int slot, int size) {
        if (arrays[slot] == null || arrays[slot].length < size) {
            arrays[slot] = new float[size];
        }
        return arrays[slot];
    }
}
