package io.medseg.inference;

import java.util.function.BooleanSupplier;

import io.medseg.preprocessing.Slices;

/**
 * Predicts a preprocessed 3D volume with a 2D network, slice by slice across one axis, as nnU-Net predicts 3D data
 * with its 2d configuration: every slice is one 2D image for the {@link SlidingWindow}, and its probabilities go back
 * into the same slice of the volume.
 */
final class SliceWiseWindow {
    private final SlidingWindow window;
    private final int axis;
    private final int inChannels;
    private final int classes;

    SliceWiseWindow(SlidingWindow window, int axis, int inChannels, int classes) {
        this.window = window;
        this.axis = axis;
        this.inChannels = inChannels;
        this.classes = classes;
    }

    /** Tiles over all slices of a volume of this shape. */
    int tileCount(long[] shape) {
        return Math.multiplyExact(Math.toIntExact(shape[axis]), window.tileCount(Slices.without(shape, axis)));
    }

    /**
     * Per-class probabilities of every voxel (classes × voxels); progress counts the tiles of all slices.
     *
     * @param image channels × voxels of the 3D {@code shape}
     */
    float[] predict(float[] image, long[] shape, TileProgress progress, BooleanSupplier cancelled) {
        if (shape.length != 3) {
            throw new IllegalArgumentException("slice-wise prediction needs a 3D volume, got " + shape.length + "D");
        }
        long[] plane = Slices.without(shape, axis);
        int perSlice = window.tileCount(plane);
        int slices = Math.toIntExact(shape[axis]);
        int total = tileCount(shape);
        float[] out = new float[Math.multiplyExact(classes, image.length / inChannels)];
        for (int s = 0; s < slices; s++) {
            int done = s * perSlice;
            float[] p = window.predict(Slices.extract(image, inChannels, shape, axis, s), plane,
                    (tiles, ignored) -> progress.tilesDone(done + tiles, total), cancelled);
            Slices.insert(p, classes, shape, axis, s, out);
        }
        return out;
    }
}
