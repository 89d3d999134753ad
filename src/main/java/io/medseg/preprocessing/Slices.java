package io.medseg.preprocessing;

/**
 * 2D slices of 3D flat arrays in the {@link PreprocessedCase} layout (channels × voxels, first spatial axis fastest):
 * what a 2D network trained on a 3D dataset (nnU-Net's 2d configuration) sees. A slice along axis a keeps the other
 * two axes in their order, so slice voxel (u, v) is volume voxel (u, v, index) for a = 2, (u, index, v) for a = 1 and
 * (index, u, v) for a = 0.
 */
public final class Slices {
    private Slices() {
    }

    /** The shape of a slice: {@code shape} without {@code axis}. */
    public static long[] without(long[] shape, int axis) {
        long[] s = new long[shape.length - 1];
        for (int a = 0, q = 0; a < shape.length; a++) {
            if (a != axis) {
                s[q++] = shape[a];
            }
        }
        return s;
    }

    /** Per-axis values (e.g. spacings) without {@code axis}. */
    public static double[] without(double[] values, int axis) {
        double[] s = new double[values.length - 1];
        for (int a = 0, q = 0; a < values.length; a++) {
            if (a != axis) {
                s[q++] = values[a];
            }
        }
        return s;
    }

    /** In-plane values with {@code value} put back at {@code axis}: the inverse of {@link #without(double[], int)}. */
    public static double[] with(double[] inPlane, int axis, double value) {
        double[] s = new double[inPlane.length + 1];
        for (int a = 0, q = 0; a < s.length; a++) {
            s[a] = a == axis ? value : inPlane[q++];
        }
        return s;
    }

    /** Channels × slice voxels of slice {@code index} along {@code axis} of channels × voxels {@code data}. */
    public static float[] extract(float[] data, int channels, long[] shape, int axis, int index) {
        Plane p = new Plane(shape, axis, index);
        float[] out = new float[channels * p.voxels];
        for (int c = 0; c < channels; c++) {
            int from = c * p.volumeVoxels;
            int to = c * p.voxels;
            for (int v = 0; v < p.voxels; v++) {
                out[to + v] = data[from + p.volumeIndex(v)];
            }
        }
        return out;
    }

    /** Slice {@code index} along {@code axis} of a label map. */
    public static short[] extract(short[] labels, long[] shape, int axis, int index) {
        Plane p = new Plane(shape, axis, index);
        short[] out = new short[p.voxels];
        for (int v = 0; v < p.voxels; v++) {
            out[v] = labels[p.volumeIndex(v)];
        }
        return out;
    }

    /** Writes channels × slice voxels {@code slice} into slice {@code index} along {@code axis} of {@code into}. */
    public static void insert(float[] slice, int channels, long[] shape, int axis, int index, float[] into) {
        Plane p = new Plane(shape, axis, index);
        for (int c = 0; c < channels; c++) {
            int from = c * p.voxels;
            int to = c * p.volumeVoxels;
            for (int v = 0; v < p.voxels; v++) {
                into[to + p.volumeIndex(v)] = slice[from + v];
            }
        }
    }

    /**
     * Slice {@code index} along {@code axis} of a preprocessed 3D case, as a 2D case to draw training patches from.
     * It has no mapping: a slice is never taken back to an original image.
     */
    public static PreprocessedCase slice(PreprocessedCase c, int axis, int index) {
        long[] shape = c.shape();
        return new PreprocessedCase(c.id(), without(shape, axis), extract(c.image(), c.channels(), shape, axis, index),
                c.label() == null ? null : extract(c.label(), shape, axis, index), null);
    }

    /** Where the voxels of one slice lie in the flat volume. */
    private static final class Plane {
        final int voxels;
        final int volumeVoxels;
        private final int width;
        private final int strideU;
        private final int strideV;
        private final int offset;

        Plane(long[] shape, int axis, int index) {
            if (shape.length != 3 || axis < 0 || axis > 2) {
                throw new IllegalArgumentException("slices need a 3D shape and an axis 0..2");
            }
            if (index < 0 || index >= shape[axis]) {
                throw new IllegalArgumentException("slice " + index + " is outside axis " + axis + " of length "
                        + shape[axis]);
            }
            int[] stride = { 1, Math.toIntExact(shape[0]), Math.toIntExact(Math.multiplyExact(shape[0], shape[1])) };
            int u = axis == 0 ? 1 : 0;
            int v = axis == 2 ? 1 : 2;
            width = Math.toIntExact(shape[u]);
            voxels = Math.toIntExact(Math.multiplyExact(shape[u], shape[v]));
            volumeVoxels = Math.toIntExact(Math.multiplyExact(stride[2], shape[2]));
            strideU = stride[u];
            strideV = stride[v];
            offset = index * stride[axis];
        }

        /** The flat volume index of flat slice voxel {@code s}. */
        int volumeIndex(int s) {
            return offset + (s % width) * strideU + (s / width) * strideV;
        }
    }
}
