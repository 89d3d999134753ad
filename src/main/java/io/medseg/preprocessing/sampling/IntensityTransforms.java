package io.medseg.preprocessing.sampling;

import java.util.SplittableRandom;

/**
 * The intensity augmentations, each on one channel of a patch image in place (channel c occupies
 * [c·voxels, (c+1)·voxels)). Parameters are passed in already drawn, so each transform can be tested on its own;
 * {@link Augmenter} draws them. Labels are never touched.
 */
public final class IntensityTransforms {
    private IntensityTransforms() {
    }

    /** Adds zero-mean Gaussian noise of standard deviation {@code std}. */
    public static void noise(float[] img, int offset, int voxels, double std, SplittableRandom r) {
        for (int v = offset; v < offset + voxels; v++) {
            img[v] += (float) (std * r.nextGaussian());
        }
    }

    /** Gaussian blur with σ per axis (voxels). */
    public static void blur(float[] img, int offset, int[] shape, double[] sigma) {
        GaussianFilter.smooth(img, offset, shape, sigma);
    }

    /** Multiplies by {@code factor}. */
    public static void brightness(float[] img, int offset, int voxels, double factor) {
        for (int v = offset; v < offset + voxels; v++) {
            img[v] *= (float) factor;
        }
    }

    /**
     * Scales the deviation from the mean by {@code factor}, then clips to the channel's former range (nnU-Net's
     * preserve_range), so contrast rises without inventing intensities the patch did not have.
     */
    public static void contrast(float[] img, int offset, int voxels, double factor) {
        double mean = 0;
        float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
        for (int v = offset; v < offset + voxels; v++) {
            mean += img[v];
            min = Math.min(min, img[v]);
            max = Math.max(max, img[v]);
        }
        mean /= voxels;
        for (int v = offset; v < offset + voxels; v++) {
            img[v] = Math.max(min, Math.min(max, (float) ((img[v] - mean) * factor + mean)));
        }
    }

    /**
     * Simulates a coarser scan: nearest-neighbour downsampling by {@code zoom} (≤ 1) per axis, then linear
     * interpolation back to the patch grid. (nnU-Net upsamples with cubic splines; linear is cheaper and blurs the
     * same edges.)
     */
    public static void lowResolution(float[] img, int offset, int[] shape, double zoom) {
        int[] s = Grid.three(shape);
        int[] low = new int[3];
        for (int d = 0; d < 3; d++) {
            low[d] = d < shape.length ? Math.max(1, (int) Math.round(s[d] * zoom)) : 1;
        }
        float[] small = new float[low[0] * low[1] * low[2]];
        int q = 0;
        for (int k = 0; k < low[2]; k++) {
            for (int j = 0; j < low[1]; j++) {
                for (int i = 0; i < low[0]; i++) {
                    int si = nearest(i, low[0], s[0]), sj = nearest(j, low[1], s[1]), sk = nearest(k, low[2], s[2]);
                    small[q++] = img[offset + (sk * s[1] + sj) * s[0] + si];
                }
            }
        }
        int v = offset;
        for (int k = 0; k < s[2]; k++) {
            double pk = back(k, s[2], low[2]);
            for (int j = 0; j < s[1]; j++) {
                double pj = back(j, s[1], low[1]);
                for (int i = 0; i < s[0]; i++) {
                    img[v++] = linear(small, low, back(i, s[0], low[0]), pj, pk);
                }
            }
        }
    }

    /** Source index of low-resolution voxel i, aligning voxel centres of the two grids. */
    private static int nearest(int i, int lowSize, int size) {
        return Math.min(size - 1, (int) Math.floor((i + 0.5) * size / lowSize));
    }

    /** Low-resolution coordinate of full-resolution voxel i, clamped into the low grid. */
    private static double back(int i, int size, int lowSize) {
        return Math.max(0, Math.min(lowSize - 1, (i + 0.5) * lowSize / size - 0.5));
    }

    private static float linear(float[] g, int[] s, double x, double y, double z) {
        int x0 = (int) x, y0 = (int) y, z0 = (int) z;
        int x1 = Math.min(x0 + 1, s[0] - 1), y1 = Math.min(y0 + 1, s[1] - 1), z1 = Math.min(z0 + 1, s[2] - 1);
        double wx = x - x0, wy = y - y0, wz = z - z0;
        double c00 = g[(z0 * s[1] + y0) * s[0] + x0] * (1 - wx) + g[(z0 * s[1] + y0) * s[0] + x1] * wx;
        double c10 = g[(z0 * s[1] + y1) * s[0] + x0] * (1 - wx) + g[(z0 * s[1] + y1) * s[0] + x1] * wx;
        double c01 = g[(z1 * s[1] + y0) * s[0] + x0] * (1 - wx) + g[(z1 * s[1] + y0) * s[0] + x1] * wx;
        double c11 = g[(z1 * s[1] + y1) * s[0] + x0] * (1 - wx) + g[(z1 * s[1] + y1) * s[0] + x1] * wx;
        return (float) (((c00 * (1 - wy) + c10 * wy) * (1 - wz)) + (c01 * (1 - wy) + c11 * wy) * wz);
    }

    /**
     * batchgenerators' gamma: map the channel's range to [0, 1], raise to {@code gamma}, map back; with
     * {@code invert} the image is negated before and after, which bends the other end of the range; with
     * {@code retainStats} the former mean and standard deviation are restored afterwards (nnU-Net's default).
     */
    public static void gamma(float[] img, int offset, int voxels, double gamma, boolean invert, boolean retainStats) {
        if (invert) {
            brightness(img, offset, voxels, -1);
        }
        double mean = 0, sq = 0;
        float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
        for (int v = offset; v < offset + voxels; v++) {
            mean += img[v];
            sq += (double) img[v] * img[v];
            min = Math.min(min, img[v]);
            max = Math.max(max, img[v]);
        }
        mean /= voxels;
        double std = Math.sqrt(Math.max(0, sq / voxels - mean * mean));
        double range = max - min;
        if (range > 0) {
            double newMean = 0, newSq = 0;
            for (int v = offset; v < offset + voxels; v++) {
                double x = Math.pow((img[v] - min) / range, gamma) * range + min;
                img[v] = (float) x;
                newMean += x;
                newSq += x * x;
            }
            if (retainStats) {
                newMean /= voxels;
                double newStd = Math.sqrt(Math.max(0, newSq / voxels - newMean * newMean));
                double f = newStd > 0 ? std / newStd : 1;
                for (int v = offset; v < offset + voxels; v++) {
                    img[v] = (float) ((img[v] - newMean) * f + mean);
                }
            }
        }
        if (invert) {
            brightness(img, offset, voxels, -1);
        }
    }
}
