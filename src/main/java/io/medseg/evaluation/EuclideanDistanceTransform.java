package io.medseg.evaluation;

/**
 * Exact Euclidean distance transform on an anisotropic grid: for every voxel the squared physical distance (mm^2) to
 * the nearest feature voxel. Separable algorithm of Felzenszwalb and Huttenlocher ("Distance Transforms of Sampled
 * Functions", 2012): the squared distance is a sum over axes, so one exact 1D lower-envelope-of-parabolas pass per
 * axis, with the parabolas scaled by spacing^2, gives the exact result in O(voxels * axes).
 */
public final class EuclideanDistanceTransform {
    private EuclideanDistanceTransform() {
    }

    /**
     * Squared distances in mm^2 to the nearest voxel where {@code feature} is true; +infinity everywhere when there is
     * no feature voxel.
     */
    public static double[] squared(boolean[] feature, Grid grid) {
        int n = grid.voxels();
        if (feature.length != n) {
            throw new IllegalArgumentException("mask has " + feature.length + " voxels, grid " + n);
        }
        double[] f = new double[n];
        for (int i = 0; i < n; i++) {
            f[i] = feature[i] ? 0 : Double.POSITIVE_INFINITY;
        }
        int[] size = { grid.size3(0), grid.size3(1), grid.size3(2) };
        double[] spacing = grid.spacing();
        int longest = Math.max(size[0], Math.max(size[1], size[2]));
        double[] line = new double[longest];
        double[] out = new double[longest];
        int[] v = new int[longest];
        double[] z = new double[longest + 1];
        for (int axis = 0; axis < grid.dims(); axis++) {
            int stride = axis == 0 ? 1 : axis == 1 ? size[0] : size[0] * size[1];
            int len = size[axis];
            double w = spacing[axis] * spacing[axis];
            // every line along this axis starts at a voxel whose coordinate on the axis is 0
            for (int start = 0; start < n; start++) {
                if ((start / stride) % len != 0) {
                    continue;
                }
                for (int q = 0; q < len; q++) {
                    line[q] = f[start + q * stride];
                }
                envelope(line, len, w, out, v, z);
                for (int q = 0; q < len; q++) {
                    f[start + q * stride] = out[q];
                }
            }
        }
        return f;
    }

    /**
     * 1D pass: out[p] = min_q (w (p - q)^2 + in[q]). Samples at +infinity carry no parabola; they are skipped rather
     * than put into the envelope because infinite heights make the intersection formula undefined.
     */
    static void envelope(double[] in, int len, double w, double[] out, int[] v, double[] z) {
        int k = -1;
        for (int q = 0; q < len; q++) {
            if (in[q] == Double.POSITIVE_INFINITY) {
                continue;
            }
            double fq = in[q] + w * q * q;
            double s = Double.NEGATIVE_INFINITY;
            while (k >= 0) {
                int p = v[k];
                s = (fq - (in[p] + w * p * p)) / (2 * w * (q - p));
                if (s > z[k]) {
                    break;
                }
                k--;
            }
            k++;
            v[k] = q;
            z[k] = k == 0 ? Double.NEGATIVE_INFINITY : s;
            z[k + 1] = Double.POSITIVE_INFINITY;
        }
        if (k < 0) {
            for (int p = 0; p < len; p++) {
                out[p] = Double.POSITIVE_INFINITY;
            }
            return;
        }
        int j = 0;
        for (int p = 0; p < len; p++) {
            while (z[j + 1] < p) {
                j++;
            }
            double d = p - v[j];
            out[p] = w * d * d + in[v[j]];
        }
    }
}
