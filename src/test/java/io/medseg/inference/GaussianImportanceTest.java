package io.medseg.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GaussianImportanceTest {
    @Test
    void peakIsOneAtTheCentreVoxel() {
        for (long[] patch : new long[][] { { 16, 8 }, { 33, 20 }, { 12, 12, 7 } }) {
            float[] m = GaussianImportance.map(patch);
            int centre = index(patch, patch[0] / 2, patch[1] / 2, patch.length == 3 ? patch[2] / 2 : 0);
            assertEquals(1f, m[centre]);
            for (float v : m) {
                assertTrue(v <= 1f && v > 0, "values in (0, 1]");
            }
        }
    }

    @Test
    void symmetricAboutTheCentre() {
        long[] patch = { 16, 9 };
        float[] m = GaussianImportance.map(patch);
        for (int d = 0; d <= 7; d++) {
            for (int e = 0; e <= 4; e++) {
                float v = m[index(patch, 8 + d, 4 + e, 0)];
                assertEquals(v, m[index(patch, 8 - d, 4 + e, 0)], 0f);
                assertEquals(v, m[index(patch, 8 + d, 4 - e, 0)], 0f);
                assertEquals(v, m[index(patch, 8 - d, 4 - e, 0)], 0f);
            }
        }
    }

    @Test
    void sigmaIsAnEighthOfThePatchPerAxis() {
        long[] patch = { 16, 32, 8 }; // sigmas 2, 4, 1
        float[] m = GaussianImportance.map(patch);
        double e = Math.exp(-0.5);
        assertEquals(e, m[index(patch, 8 + 2, 16, 4)], 1e-6);
        assertEquals(e, m[index(patch, 8, 16 - 4, 4)], 1e-6);
        assertEquals(e, m[index(patch, 8, 16, 4 + 1)], 1e-6);
        assertEquals(e * e * e, m[index(patch, 8 - 2, 16 + 4, 4 - 1)], 1e-6);
        // farthest voxel: 4 sigma on every axis
        assertEquals(Math.exp(-8 * 3), m[0], 1e-12);
    }

    /** C-order index, last axis fastest. */
    private static int index(long[] patch, long i, long j, long k) {
        long nk = patch.length == 3 ? patch[2] : 1;
        return (int) ((i * patch[1] + j) * nk + k);
    }
}
