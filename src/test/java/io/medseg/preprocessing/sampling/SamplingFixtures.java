package io.medseg.preprocessing.sampling;

import io.medseg.preprocessing.PreprocessedCase;

/** Small synthetic cases for the sampling tests. */
final class SamplingFixtures {
    private SamplingFixtures() {
    }

    /**
     * A case whose label has concentric shells (classes 0..3 by distance from a centre) and whose single image channel
     * equals the label value, so any misalignment between image and label shows as a mismatch.
     */
    static PreprocessedCase labelColoured(int[] shape) {
        int[] s = Grid.three(shape);
        int n = s[0] * s[1] * s[2];
        float[] image = new float[n];
        short[] label = new short[n];
        double r = Math.min(s[0], s[1]) / 2.0;
        int v = 0;
        for (int k = 0; k < s[2]; k++) {
            for (int j = 0; j < s[1]; j++) {
                for (int i = 0; i < s[0]; i++, v++) {
                    double dz = shape.length == 3 ? k - s[2] * 0.45 : 0;
                    double d = Math.sqrt(Math.pow(i - s[0] * 0.55, 2) + Math.pow(j - s[1] * 0.45, 2) + dz * dz) / r;
                    // shells plus a bar, so the pattern has no rotational symmetry
                    short l = (short) (d < 0.25 ? 3 : d < 0.5 ? 2 : d < 0.75 ? 1 : 0);
                    if (i > s[0] * 0.1 && i < s[0] * 0.3 && j > s[1] * 0.1 && j < s[1] * 0.9) {
                        l = 2;
                    }
                    label[v] = l;
                    image[v] = l;
                }
            }
        }
        return new PreprocessedCase("coloured", toLong(shape), image, label, null);
    }

    /**
     * A checkerboard label (1 and 2, every neighbour differs) with one image channel per axis holding that axis'
     * coordinate: linear interpolation reproduces linear functions exactly, so an augmented image tells, per patch
     * voxel, exactly which case position the mapping read.
     */
    static PreprocessedCase coordinates(int[] shape) {
        int[] s = Grid.three(shape);
        int n = s[0] * s[1] * s[2];
        float[] image = new float[shape.length * n];
        short[] label = new short[n];
        int v = 0;
        for (int k = 0; k < s[2]; k++) {
            for (int j = 0; j < s[1]; j++) {
                for (int i = 0; i < s[0]; i++, v++) {
                    image[v] = i;
                    image[n + v] = j;
                    if (shape.length == 3) {
                        image[2 * n + v] = k;
                    }
                    label[v] = (short) (1 + (i + j + k) % 2);
                }
            }
        }
        return new PreprocessedCase("coordinates", toLong(shape), image, label, null);
    }

    /** A case whose image value encodes the voxel position (i + 1000·j + 10⁶·k) and label is background. */
    static PreprocessedCase positions(int[] shape) {
        int[] s = Grid.three(shape);
        int n = s[0] * s[1] * s[2];
        float[] image = new float[n];
        short[] label = new short[n];
        int v = 0;
        for (int k = 0; k < s[2]; k++) {
            for (int j = 0; j < s[1]; j++) {
                for (int i = 0; i < s[0]; i++, v++) {
                    image[v] = i + 1000 * j + 1_000_000 * k;
                    label[v] = (short) (1 + (i + j + k) % 2);
                }
            }
        }
        return new PreprocessedCase("positions", toLong(shape), image, label, null);
    }

    /** A background case with a few foreground voxels of class 1 and a single voxel of class 2. */
    static PreprocessedCase rareForeground(int[] shape, String id) {
        int[] s = Grid.three(shape);
        int n = s[0] * s[1] * s[2];
        float[] image = new float[n];
        short[] label = new short[n];
        for (int v = 0; v < n; v++) {
            image[v] = (float) Math.sin(v * 0.37);
        }
        label[index(s, 3, 4, 0)] = 1;
        label[index(s, 4, 4, 0)] = 1;
        label[index(s, s[0] - 2, s[1] - 3, s[2] - 1)] = 2;
        return new PreprocessedCase(id, toLong(shape), image, label, null);
    }

    static int index(int[] s, int i, int j, int k) {
        return (k * s[1] + j) * s[0] + i;
    }

    static long[] toLong(int[] shape) {
        long[] l = new long[shape.length];
        for (int d = 0; d < l.length; d++) {
            l[d] = shape[d];
        }
        return l;
    }
}
