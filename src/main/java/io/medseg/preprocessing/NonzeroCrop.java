package io.medseg.preprocessing;

import java.util.ArrayDeque;
import java.util.Arrays;

import io.medseg.image.Geometry;
import io.medseg.image.Volume;
import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.util.Intervals;
import net.imglib2.view.Views;

/**
 * nnU-Net's crop to the non-zero region: the mask of voxels that are non-zero in any channel, with enclosed holes
 * filled (zero voxels that cannot reach the image border through other zero voxels, e.g. exact zeros inside soft
 * tissue of a CT), and its bounding box.
 *
 * <p>When a case is cropped, label voxels inside the box that are background and outside the mask are set to
 * {@link #OUTSIDE} (−1), nnU-Net's marker for "not part of the scanned object": foreground sampling skips them,
 * augmentation keeps masked channels at 0 there, and training then takes them as background (see
 * {@link io.medseg.preprocessing.sampling.Augmenter}), so the network learns to call the zero surround background.
 *
 * <p>Flat arrays use the {@link PreprocessedCase} layout (channels × voxels, first spatial axis fastest); a 2D
 * shape is handled as 3D with one slice.
 */
public final class NonzeroCrop {
    /** Label value of voxels outside the non-zero mask. */
    public static final short OUTSIDE = -1;

    private NonzeroCrop() {
    }

    /** Voxels non-zero in any channel, with holes not connected to the border filled. */
    public static boolean[] nonzeroMask(float[] data, int channels, long[] shape) {
        int n = (int) Resampler.voxels(shape);
        boolean[] mask = new boolean[n];
        for (int c = 0; c < channels; c++) {
            int off = c * n;
            for (int v = 0; v < n; v++) {
                if (data[off + v] != 0f) {
                    mask[v] = true;
                }
            }
        }
        fillHoles(mask, shape);
        return mask;
    }

    /**
     * Marks the zero voxels reachable from the border (6-connectivity in 3D, 4 in 2D) and sets every other voxel to
     * true, which is what {@code scipy.ndimage.binary_fill_holes} does.
     */
    static void fillHoles(boolean[] mask, long[] shape) {
        int[] d = dims3(shape);
        int ni = d[0];
        int nj = d[1];
        int nk = d[2];
        boolean[] outside = new boolean[mask.length];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int k = 0; k < nk; k++) {
            for (int j = 0; j < nj; j++) {
                for (int i = 0; i < ni; i++) {
                    boolean border = i == 0 || j == 0 || i == ni - 1 || j == nj - 1
                            || (shape.length == 3 && (k == 0 || k == nk - 1));
                    int v = (k * nj + j) * ni + i;
                    if (border && !mask[v]) {
                        outside[v] = true;
                        queue.add(v);
                    }
                }
            }
        }
        while (!queue.isEmpty()) {
            int v = queue.poll();
            int i = v % ni;
            int j = (v / ni) % nj;
            int k = v / (ni * nj);
            if (i > 0) {
                visit(v - 1, mask, outside, queue);
            }
            if (i < ni - 1) {
                visit(v + 1, mask, outside, queue);
            }
            if (j > 0) {
                visit(v - ni, mask, outside, queue);
            }
            if (j < nj - 1) {
                visit(v + ni, mask, outside, queue);
            }
            if (k > 0) {
                visit(v - ni * nj, mask, outside, queue);
            }
            if (k < nk - 1) {
                visit(v + ni * nj, mask, outside, queue);
            }
        }
        for (int v = 0; v < mask.length; v++) {
            mask[v] = !outside[v];
        }
    }

    private static void visit(int v, boolean[] mask, boolean[] outside, ArrayDeque<Integer> queue) {
        if (!mask[v] && !outside[v]) {
            outside[v] = true;
            queue.add(v);
        }
    }

    /** The smallest box holding every true voxel; the whole image when the mask is empty (nothing to crop to). */
    public static CropBox boundingBox(boolean[] mask, long[] shape) {
        int[] d = dims3(shape);
        int[] lo = { Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE };
        int[] hi = { -1, -1, -1 };
        for (int k = 0, v = 0; k < d[2]; k++) {
            for (int j = 0; j < d[1]; j++) {
                for (int i = 0; i < d[0]; i++, v++) {
                    if (mask[v]) {
                        lo[0] = Math.min(lo[0], i);
                        hi[0] = Math.max(hi[0], i);
                        lo[1] = Math.min(lo[1], j);
                        hi[1] = Math.max(hi[1], j);
                        lo[2] = Math.min(lo[2], k);
                        hi[2] = Math.max(hi[2], k);
                    }
                }
            }
        }
        if (hi[0] < 0) {
            return CropBox.whole(shape);
        }
        long[] start = new long[shape.length];
        long[] end = new long[shape.length];
        for (int a = 0; a < shape.length; a++) {
            start[a] = lo[a];
            end[a] = hi[a] + 1L;
        }
        return new CropBox(start, end);
    }

    /** The box's part of every channel. */
    public static float[] crop(float[] data, int channels, long[] shape, CropBox box) {
        int[] d = dims3(shape);
        int[] s = offset3(box.start());
        int[] b = dims3(box.shape());
        int n = d[0] * d[1] * d[2];
        int m = b[0] * b[1] * b[2];
        float[] out = new float[channels * m];
        for (int c = 0, o = 0; c < channels; c++) {
            for (int k = 0; k < b[2]; k++) {
                for (int j = 0; j < b[1]; j++, o += b[0]) {
                    int src = c * n + ((k + s[2]) * d[1] + j + s[1]) * d[0] + s[0];
                    System.arraycopy(data, src, out, o, b[0]);
                }
            }
        }
        return out;
    }

    /** The box's part of a label map. */
    public static short[] crop(short[] labels, long[] shape, CropBox box) {
        short[] out = new short[(int) Resampler.voxels(box.shape())];
        copyBox(labels, shape, box, out, true);
        return out;
    }

    /** The box's part of a mask. */
    public static boolean[] crop(boolean[] mask, long[] shape, CropBox box) {
        int[] d = dims3(shape);
        int[] s = offset3(box.start());
        int[] b = dims3(box.shape());
        boolean[] out = new boolean[b[0] * b[1] * b[2]];
        for (int k = 0, o = 0; k < b[2]; k++) {
            for (int j = 0; j < b[1]; j++, o += b[0]) {
                System.arraycopy(mask, ((k + s[2]) * d[1] + j + s[1]) * d[0] + s[0], out, o, b[0]);
            }
        }
        return out;
    }

    /**
     * Copies between a full label map of {@code shape} and the box: out of the full map when {@code fromFull}, else
     * the box contents back into {@code full} (used to paste a prediction into the original grid).
     */
    static void copyBox(short[] full, long[] shape, CropBox box, short[] boxed, boolean fromFull) {
        int[] d = dims3(shape);
        int[] s = offset3(box.start());
        int[] b = dims3(box.shape());
        for (int k = 0, o = 0; k < b[2]; k++) {
            for (int j = 0; j < b[1]; j++, o += b[0]) {
                int f = ((k + s[2]) * d[1] + j + s[1]) * d[0] + s[0];
                if (fromFull) {
                    System.arraycopy(full, f, boxed, o, b[0]);
                } else {
                    System.arraycopy(boxed, o, full, f, b[0]);
                }
            }
        }
    }

    /** Pastes per-channel box contents into a full-size array (the rest keeps its values). */
    static void paste(float[] boxed, int channels, CropBox box, float[] full, long[] shape) {
        int[] d = dims3(shape);
        int[] s = offset3(box.start());
        int[] b = dims3(box.shape());
        int n = d[0] * d[1] * d[2];
        for (int c = 0, o = 0; c < channels; c++) {
            for (int k = 0; k < b[2]; k++) {
                for (int j = 0; j < b[1]; j++, o += b[0]) {
                    System.arraycopy(boxed, o, full, c * n + ((k + s[2]) * d[1] + j + s[1]) * d[0] + s[0], b[0]);
                }
            }
        }
    }

    /** Sets background label voxels outside the (cropped) mask to {@link #OUTSIDE}; foreground labels are kept. */
    public static void markOutside(short[] labels, boolean[] mask) {
        for (int v = 0; v < labels.length; v++) {
            if (labels[v] == 0 && !mask[v]) {
                labels[v] = OUTSIDE;
            }
        }
    }

    /**
     * A view of the box's part of a volume with its geometry: same direction and spacing, the origin moved to the
     * box's first voxel, so every cropped voxel keeps its world position.
     */
    public static Volume crop(Volume volume, CropBox box) {
        int dims = volume.spatialDims();
        long[] min = new long[dims + 1];
        long[] max = new long[dims + 1];
        long[] start = box.start();
        long[] end = box.end();
        for (int a = 0; a < dims; a++) {
            min[a] = start[a];
            max[a] = end[a] - 1;
        }
        max[dims] = volume.channels() - 1L;
        if (!Intervals.contains(volume.pixels(), Intervals.createMinMax(concat(min, max)))) {
            throw new IllegalArgumentException("crop box lies outside the image");
        }
        RandomAccessibleInterval<? extends RealType<?>> view = Views.zeroMin(Views.interval(volume.pixels(), min, max));
        return Volume.of(view, shifted(volume.geometry(), start));
    }

    /** The geometry whose voxel 0 is voxel {@code start} of {@code g}. */
    public static Geometry shifted(Geometry g, long[] start) {
        double[] idx = new double[start.length];
        for (int a = 0; a < idx.length; a++) {
            idx[a] = start[a];
        }
        double[] origin = g.toWorld(idx);
        double[][] a = g.affine();
        for (int r = 0; r < 3; r++) {
            a[r][3] = origin[r];
        }
        return Geometry.ofAffine(g.spatialDims(), a);
    }

    private static long[] concat(long[] a, long[] b) {
        long[] c = new long[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** A 2D or 3D shape as three ints, a missing third axis counting as one slice. */
    static int[] dims3(long[] shape) {
        return new int[] { Math.toIntExact(shape[0]), Math.toIntExact(shape[1]),
                shape.length > 2 ? Math.toIntExact(shape[2]) : 1 };
    }

    /** A 2D or 3D voxel offset as three ints, a missing third axis counting as 0. */
    static int[] offset3(long[] start) {
        return new int[] { Math.toIntExact(start[0]), Math.toIntExact(start[1]),
                start.length > 2 ? Math.toIntExact(start[2]) : 0 };
    }

    /** The bounding box over all channels of all given images (same spatial shape); the whole image if all zero. */
    public static CropBox boundingBox(Volume... channels) {
        long[] shape = channels[0].shape();
        int dims = shape.length;
        long[] min = new long[dims];
        long[] max = new long[dims];
        Arrays.fill(min, Long.MAX_VALUE);
        Arrays.fill(max, -1);
        long[] pos = new long[dims];
        for (Volume v : channels) {
            if (!Arrays.equals(v.shape(), shape)) {
                throw new IllegalArgumentException("channels differ in shape: " + Arrays.toString(shape) + " vs "
                        + Arrays.toString(v.shape()));
            }
            for (int c = 0; c < v.channels(); c++) {
                RandomAccessibleInterval<? extends RealType<?>> ch = v.channel(c);
                Cursor<? extends RealType<?>> cur = Views.flatIterable(ch).localizingCursor();
                while (cur.hasNext()) {
                    if (cur.next().getRealDouble() != 0) {
                        cur.localize(pos);
                        for (int a = 0; a < dims; a++) {
                            min[a] = Math.min(min[a], pos[a]);
                            max[a] = Math.max(max[a], pos[a]);
                        }
                    }
                }
            }
        }
        if (max[0] < 0) {
            return CropBox.whole(shape);
        }
        long[] end = new long[dims];
        for (int a = 0; a < dims; a++) {
            end[a] = max[a] + 1;
        }
        return new CropBox(min, end);
    }
}
