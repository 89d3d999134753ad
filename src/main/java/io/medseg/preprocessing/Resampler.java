package io.medseg.preprocessing;

import java.util.Arrays;
import java.util.TreeSet;
import java.util.stream.IntStream;

import io.medseg.image.Geometry;
import io.medseg.image.Volume;
import net.imglib2.img.array.ArrayImgs;

/**
 * Separable resampling of flattened images (channels × voxels, first spatial axis fastest, as in
 * {@link PreprocessedCase}) and label maps, following nnU-Net's conventions.
 *
 * <p><b>Grid convention.</b> As in nnU-Net ({@code skimage.transform.resize} and its own {@code map_coordinates}
 * call for the out-of-plane axis), the old and new grids cover the same physical extent: output voxel {@code o} of
 * an axis resized from {@code n} to {@code m} voxels samples input coordinate {@code (o + 0.5)·n/m − 0.5}, and values
 * beyond the edge repeat the edge voxel. The new spacing is therefore {@code old spacing · n / m} and the first voxel
 * centre moves by half the difference of the spacings (see {@link #resampledGeometry}).
 *
 * <p><b>Orders.</b> 0 is nearest neighbour, 1 linear, 3 cubic. Cubic here is the Catmull-Rom (Keys, a = −1/2)
 * convolution kernel: it interpolates the samples and reproduces polynomials up to degree 2 exactly, with a
 * four-tap support. nnU-Net's order 3 is scipy's interpolating cubic B-spline, which first prefilters the whole line
 * (an infinite-support recursive filter) and then applies the B-spline; it is slightly smoother in the pass band and
 * rings a little differently at sharp edges, but both are interpolating, third-order-accurate cubics, and Catmull-Rom
 * needs no prefilter pass, which keeps every axis a single sweep over a plain float array.
 *
 * <p><b>Anisotropy.</b> When max spacing / min spacing exceeds {@link ResamplingSettings#anisotropyThreshold()} (on
 * the source spacing, else on the target spacing, as nnU-Net checks), the single axis with the largest spacing is
 * the out-of-plane axis and uses {@link ResamplingSettings#outOfPlaneOrder()} (nnU-Net: 0, nearest), so
 * interpolation never blends thick, distant slices. If two or more axes share the largest spacing there is no single
 * out-of-plane axis and all axes use the normal order (nnU-Net does the same).
 */
public final class Resampler {

    private Resampler() {
    }

    /** nnU-Net's rule for the new grid: {@code round(shape · spacing / targetSpacing)} per axis, at least 1. */
    public static long[] targetShape(long[] shape, double[] spacing, double[] targetSpacing) {
        long[] s = new long[shape.length];
        for (int a = 0; a < s.length; a++) {
            s[a] = Math.max(1, Math.round(shape[a] * spacing[a] / targetSpacing[a]));
        }
        return s;
    }

    /** The spacing of a grid resized from {@code oldShape} to {@code newShape} over the same extent. */
    public static double[] resampledSpacing(double[] spacing, long[] oldShape, long[] newShape) {
        double[] s = new double[spacing.length];
        for (int a = 0; a < s.length; a++) {
            s[a] = spacing[a] * oldShape[a] / newShape[a];
        }
        return s;
    }

    /**
     * The geometry of the resized grid: same direction, columns scaled to the new spacing, and the origin moved to
     * where the new first voxel centre lies in the old grid ({@code 0.5·n/m − 0.5} old voxels), so both grids cover
     * the same physical box.
     */
    public static Geometry resampledGeometry(Geometry g, long[] oldShape, long[] newShape) {
        double[][] a = g.affine();
        int dims = g.spatialDims();
        double[] firstCentre = new double[dims];
        for (int c = 0; c < dims; c++) {
            firstCentre[c] = 0.5 * oldShape[c] / newShape[c] - 0.5;
        }
        double[] origin = g.toWorld(firstCentre);
        for (int c = 0; c < dims; c++) {
            double scale = (double) oldShape[c] / newShape[c];
            for (int r = 0; r < 3; r++) {
                a[r][c] *= scale;
            }
        }
        for (int r = 0; r < 3; r++) {
            a[r][3] = origin[r];
        }
        return Geometry.ofAffine(dims, a);
    }

    /**
     * The out-of-plane axis for data going from {@code fromSpacing} to {@code toSpacing}, or −1 when the data are
     * not anisotropic enough (or have no single coarsest axis).
     */
    public static int outOfPlaneAxis(double[] fromSpacing, double[] toSpacing, double threshold) {
        // like nnU-Net: the first anisotropic spacing decides, even when it has no single coarsest axis
        if (fromSpacing.length < 3) {
            return -1; // 2D images have no slice axis to treat separately
        }
        if (anisotropic(fromSpacing, threshold)) {
            return coarsestAxis(fromSpacing);
        }
        return anisotropic(toSpacing, threshold) ? coarsestAxis(toSpacing) : -1;
    }

    private static boolean anisotropic(double[] spacing, double threshold) {
        double max = Arrays.stream(spacing).max().orElseThrow();
        double min = Arrays.stream(spacing).min().orElseThrow();
        return max / min > threshold;
    }

    /** The axis with the largest spacing, or −1 if several share it. */
    private static int coarsestAxis(double[] spacing) {
        double max = Arrays.stream(spacing).max().orElseThrow();
        int axis = -1;
        for (int a = 0; a < spacing.length; a++) {
            if (spacing[a] == max) {
                if (axis >= 0) {
                    return -1;
                }
                axis = a;
            }
        }
        return axis;
    }

    /** The order per axis: {@code order} everywhere, except {@code outOfPlaneOrder} on the out-of-plane axis. */
    public static int[] axisOrders(int dims, int order, int outOfPlaneAxis, int outOfPlaneOrder) {
        int[] orders = new int[dims];
        Arrays.fill(orders, order);
        if (outOfPlaneAxis >= 0) {
            orders[outOfPlaneAxis] = outOfPlaneOrder;
        }
        return orders;
    }

    /**
     * Resamples every channel of {@code data} from {@code shape} to {@code newShape}, axis by axis, with the given
     * order per axis. Axes whose size does not change are left alone, so resampling to the same shape is exact.
     */
    public static float[] resample(float[] data, int channels, long[] shape, long[] newShape, int[] orders) {
        if (data.length != channels * voxels(shape)) {
            throw new IllegalArgumentException("data have " + data.length + " values, expected " + channels + " × "
                    + Arrays.toString(shape));
        }
        float[] current = data;
        long[] currentShape = shape.clone();
        for (int a = 0; a < shape.length; a++) {
            if (newShape[a] == currentShape[a]) {
                continue;
            }
            current = resampleAxis(current, channels, currentShape, a, (int) newShape[a], orders[a]);
            currentShape[a] = newShape[a];
        }
        return current == data ? data.clone() : current;
    }

    /**
     * Resamples a label map. NEAREST picks the nearest voxel on every axis (the out-of-plane order is irrelevant).
     * LINEAR_ARGMAX resamples the one-hot map of each label present with linear interpolation (the out-of-plane axis
     * with {@code outOfPlaneOrder}) and keeps, per voxel, the label with the largest value; ties go to the larger
     * label value, so foreground wins over background (and over −1). nnU-Net instead thresholds each label's
     * interpolated one-hot at 0.5 and lets later labels overwrite earlier ones; the two agree wherever one label
     * reaches 0.5, and argmax also assigns the voxels where none does (junctions of three or more labels).
     * Only labels present in the input can appear in the output.
     *
     * @param outOfPlaneAxis from {@link #outOfPlaneAxis}, or −1
     */
    public static short[] resampleLabels(short[] labels, long[] shape, long[] newShape,
            ResamplingSettings.LabelResampling mode, int outOfPlaneAxis, int outOfPlaneOrder) {
        if (labels.length != voxels(shape)) {
            throw new IllegalArgumentException("label map has " + labels.length + " values, expected "
                    + Arrays.toString(shape));
        }
        int n = (int) voxels(newShape);
        if (mode == ResamplingSettings.LabelResampling.NEAREST) {
            float[] asFloat = new float[labels.length];
            for (int i = 0; i < labels.length; i++) {
                asFloat[i] = labels[i];
            }
            float[] r = resample(asFloat, 1, shape, newShape, axisOrders(shape.length, 0, -1, 0));
            short[] out = new short[n];
            for (int i = 0; i < n; i++) {
                out[i] = (short) r[i];
            }
            return out;
        }
        TreeSet<Short> present = new TreeSet<>();
        for (short l : labels) {
            present.add(l);
        }
        int[] orders = axisOrders(shape.length, 1, outOfPlaneAxis, outOfPlaneOrder);
        short[] out = new short[n];
        float[] best = new float[n];
        Arrays.fill(best, Float.NEGATIVE_INFINITY);
        float[] oneHot = new float[labels.length];
        // one label at a time keeps memory at two output-sized arrays however many labels there are
        for (short l : present) {
            for (int i = 0; i < labels.length; i++) {
                oneHot[i] = labels[i] == l ? 1f : 0f;
            }
            float[] r = resample(oneHot, 1, shape, newShape, orders);
            for (int i = 0; i < n; i++) {
                if (r[i] >= best[i]) {
                    best[i] = r[i];
                    out[i] = l;
                }
            }
        }
        return out;
    }

    /**
     * A multi-channel image resampled to {@code targetSpacing} with the settings' image order (and out-of-plane
     * order for anisotropic data), as a float volume with the resized grid's geometry.
     */
    public static Volume resampleImage(Volume image, double[] targetSpacing, ResamplingSettings settings) {
        long[] newShape = targetShape(image.shape(), image.geometry().spacing(), targetSpacing);
        return resampleImage(image, newShape, settings);
    }

    /** A multi-channel image resampled to {@code newShape} over the same extent. */
    public static Volume resampleImage(Volume image, long[] newShape, ResamplingSettings settings) {
        long[] shape = image.shape();
        double[] spacing = image.geometry().spacing();
        int axis = outOfPlaneAxis(spacing, resampledSpacing(spacing, shape, newShape),
                settings.anisotropyThreshold());
        float[] out = resample(VolumeArrays.toFloats(image.pixels()), image.channels(), shape, newShape,
                axisOrders(shape.length, settings.imageOrder(), axis, settings.outOfPlaneOrder()));
        return Volume.of(ArrayImgs.floats(out, VolumeArrays.withChannels(newShape, image.channels())),
                resampledGeometry(image.geometry(), shape, newShape));
    }

    /** A label volume resampled to {@code newShape} with the settings' label mode, as int16. */
    public static Volume resampleLabel(Volume label, long[] newShape, ResamplingSettings settings) {
        long[] shape = label.shape();
        double[] spacing = label.geometry().spacing();
        int axis = outOfPlaneAxis(spacing, resampledSpacing(spacing, shape, newShape),
                settings.anisotropyThreshold());
        short[] out = resampleLabels(VolumeArrays.toShorts(label.pixels(), (int) voxels(shape)), shape, newShape,
                settings.labelMode(), axis, settings.outOfPlaneOrder());
        return Volume.of(ArrayImgs.shorts(out, VolumeArrays.withChannels(newShape, 1)),
                resampledGeometry(label.geometry(), shape, newShape));
    }

    /** Number of voxels of a shape. */
    public static long voxels(long[] shape) {
        long v = 1;
        for (long s : shape) {
            v = Math.multiplyExact(v, s);
        }
        return v;
    }

    /**
     * Resizes one axis. The taps (input indices and weights) of every output position are computed once and applied
     * to every line along the axis; lines are independent, so the outer blocks are processed in parallel.
     */
    private static float[] resampleAxis(float[] in, int channels, long[] shape, int axis, int m, int order) {
        int n = (int) shape[axis];
        int stride = 1;
        for (int a = 0; a < axis; a++) {
            stride *= (int) shape[a];
        }
        int outer = channels;
        for (int a = axis + 1; a < shape.length; a++) {
            outer *= (int) shape[a];
        }
        Taps taps = Taps.of(n, m, order);
        float[] out = new float[outer * m * stride];
        int inner = stride;
        IntStream range = IntStream.range(0, outer);
        if ((long) outer * m * inner > 1 << 16) {
            range = range.parallel();
        }
        range.forEach(b -> {
            int inBase = b * n * inner;
            int outBase = b * m * inner;
            int width = taps.width;
            for (int o = 0; o < m; o++) {
                int tapBase = o * width;
                int outOff = outBase + o * inner;
                for (int t = 0; t < width; t++) {
                    float w = taps.weights[tapBase + t];
                    if (w == 0f) {
                        continue;
                    }
                    int inOff = inBase + taps.index[tapBase + t] * inner;
                    for (int s = 0; s < inner; s++) {
                        out[outOff + s] += w * in[inOff + s];
                    }
                }
            }
        });
        return out;
    }

    /** Interpolation taps of one axis resize: for each output voxel, {@code width} clamped indices and weights. */
    private record Taps(int width, int[] index, float[] weights) {

        static Taps of(int n, int m, int order) {
            int width = switch (order) {
                case 0 -> 1;
                case 1 -> 2;
                case 3 -> 4;
                default -> throw new IllegalArgumentException("interpolation order must be 0, 1 or 3, got " + order);
            };
            int[] index = new int[m * width];
            float[] weights = new float[m * width];
            double scale = (double) n / m;
            for (int o = 0; o < m; o++) {
                double x = (o + 0.5) * scale - 0.5;
                int base = o * width;
                if (order == 0) {
                    index[base] = clamp((int) Math.floor(x + 0.5), n);
                    weights[base] = 1f;
                } else if (order == 1) {
                    int i0 = (int) Math.floor(x);
                    double f = x - i0;
                    index[base] = clamp(i0, n);
                    index[base + 1] = clamp(i0 + 1, n);
                    weights[base] = (float) (1 - f);
                    weights[base + 1] = (float) f;
                } else {
                    int i1 = (int) Math.floor(x);
                    double f = x - i1;
                    for (int t = 0; t < 4; t++) {
                        index[base + t] = clamp(i1 - 1 + t, n);
                        weights[base + t] = (float) catmullRom(f - (t - 1));
                    }
                }
            }
            return new Taps(width, index, weights);
        }

        /** Keys' cubic convolution kernel with a = −1/2 (Catmull-Rom); weights of the four taps sum to 1. */
        private static double catmullRom(double d) {
            double x = Math.abs(d);
            if (x < 1) {
                return 1.5 * x * x * x - 2.5 * x * x + 1;
            }
            if (x < 2) {
                return -0.5 * x * x * x + 2.5 * x * x - 4 * x + 2;
            }
            return 0;
        }

        private static int clamp(int i, int n) {
            return i < 0 ? 0 : (i >= n ? n - 1 : i);
        }
    }
}
