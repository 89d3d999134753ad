package io.medseg.synth;

/**
 * The acquisition effects applied to a rendered phantom, in place on a flat float array in imglib2 order (the first
 * axis varies fastest): partial-volume blur and Gaussian noise.
 */
final class ImageDegradation {
    private ImageDegradation() {
    }

    /**
     * Separable Gaussian blur with standard deviation {@code sigma} voxels along every axis of {@code shape}, borders
     * clamped. Models the partial-volume effect: edges of small structures (lesions) get intermediate values.
     */
    static void blur(float[] data, int[] shape, double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        double[] kernel = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            kernel[i + radius] = Math.exp(-i * i / (2 * sigma * sigma));
            sum += kernel[i + radius];
        }
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] /= sum;
        }
        int stride = 1;
        for (int axis = 0; axis < shape.length; axis++) {
            blurAxis(data, shape[axis], stride, kernel, radius);
            stride *= shape[axis];
        }
    }

    private static void blurAxis(float[] data, int length, int stride, double[] kernel, int radius) {
        if (length == 1) {
            return;
        }
        float[] line = new float[length];
        int block = stride * length;
        for (int start = 0; start < data.length; start += block) {
            for (int offset = 0; offset < stride; offset++) {
                int base = start + offset;
                for (int i = 0; i < length; i++) {
                    line[i] = data[base + i * stride];
                }
                for (int i = 0; i < length; i++) {
                    double v = 0;
                    for (int k = -radius; k <= radius; k++) {
                        int j = Math.max(0, Math.min(length - 1, i + k));
                        v += kernel[k + radius] * line[j];
                    }
                    data[base + i * stride] = (float) v;
                }
            }
        }
    }

    /** Adds white Gaussian noise with standard deviation {@code sigma}, drawn in array order from {@code rnd}. */
    static void addNoise(float[] data, double sigma, CaseRandom rnd) {
        for (int i = 0; i < data.length; i++) {
            data[i] += (float) (sigma * rnd.gaussian());
        }
    }
}
