package io.medseg.preprocessing.sampling;

/**
 * Separable Gaussian smoothing of a 2D or 3D float grid in place (first axis fastest), truncated at 3σ with the
 * border voxel repeated outside, so a constant image stays constant. Used by the blur augmentation and to smooth the
 * elastic displacement noise.
 */
final class GaussianFilter {
    private GaussianFilter() {
    }

    /**
     * Smooths {@code voxels} values of {@code data} starting at {@code offset}.
     *
     * @param shape spatial shape (2 or 3 axes)
     * @param sigma per axis, in voxels; 0 leaves that axis alone
     */
    static void smooth(float[] data, int offset, int[] shape, double[] sigma) {
        int[] s = Grid.three(shape);
        float[] line = new float[Math.max(s[0], Math.max(s[1], s[2]))];
        float[] tmp = new float[line.length];
        for (int axis = 0; axis < shape.length; axis++) {
            if (sigma[axis] <= 0 || s[axis] == 1) {
                continue;
            }
            float[] kernel = kernel(sigma[axis]);
            int n = s[axis];
            int stride = axis == 0 ? 1 : axis == 1 ? s[0] : s[0] * s[1];
            // iterate over all lines along this axis: every voxel whose coordinate on the axis is 0
            for (int k = 0; k < (axis == 2 ? 1 : s[2]); k++) {
                for (int j = 0; j < (axis == 1 ? 1 : s[1]); j++) {
                    for (int i = 0; i < (axis == 0 ? 1 : s[0]); i++) {
                        int start = offset + (k * s[1] + j) * s[0] + i;
                        for (int t = 0; t < n; t++) {
                            line[t] = data[start + t * stride];
                        }
                        convolve(line, n, kernel, tmp);
                        for (int t = 0; t < n; t++) {
                            data[start + t * stride] = tmp[t];
                        }
                    }
                }
            }
        }
    }

    private static void convolve(float[] line, int n, float[] kernel, float[] out) {
        int r = kernel.length / 2;
        for (int t = 0; t < n; t++) {
            double sum = 0;
            for (int q = -r; q <= r; q++) {
                int u = Math.min(n - 1, Math.max(0, t + q));
                sum += kernel[q + r] * line[u];
            }
            out[t] = (float) sum;
        }
    }

    private static float[] kernel(double sigma) {
        int r = Math.max(1, (int) Math.ceil(3 * sigma));
        float[] k = new float[2 * r + 1];
        double total = 0;
        for (int q = -r; q <= r; q++) {
            total += k[q + r] = (float) Math.exp(-0.5 * q * q / (sigma * sigma));
        }
        for (int q = 0; q < k.length; q++) {
            k[q] /= (float) total;
        }
        return k;
    }
}
