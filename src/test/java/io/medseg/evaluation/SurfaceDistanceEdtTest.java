package io.medseg.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** The separable EDT equals brute force on random masks with anisotropic spacing, in 2D and 3D. */
class SurfaceDistanceEdtTest {

    @Test
    void matchesBruteForce2D() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 30; trial++) {
            Grid g = new Grid(2, new int[] { 1 + rnd.nextInt(12), 1 + rnd.nextInt(12) },
                    new double[] { 0.3 + 2 * rnd.nextDouble(), 0.3 + 2 * rnd.nextDouble() });
            check(randomMask(g, rnd), g);
        }
    }

    @Test
    void matchesBruteForce3D() {
        Random rnd = new Random(12);
        for (int trial = 0; trial < 30; trial++) {
            Grid g = new Grid(3, new int[] { 1 + rnd.nextInt(9), 1 + rnd.nextInt(9), 1 + rnd.nextInt(7) },
                    new double[] { 0.3 + 2 * rnd.nextDouble(), 0.3 + 2 * rnd.nextDouble(), 0.5 + 3 * rnd.nextDouble() });
            check(randomMask(g, rnd), g);
        }
    }

    @Test
    void noFeatureIsInfiniteEverywhere() {
        Grid g = new Grid(3, new int[] { 3, 4, 2 }, new double[] { 1, 2, 3 });
        for (double d : EuclideanDistanceTransform.squared(new boolean[g.voxels()], g)) {
            assertEquals(Double.POSITIVE_INFINITY, d);
        }
    }

    @Test
    void singleVoxelGivesWeightedDistances() {
        // a hand check of the spacing weights: one feature at (0,0,0), spacing (2, 3, 5)
        Grid g = new Grid(3, new int[] { 2, 2, 2 }, new double[] { 2, 3, 5 });
        boolean[] f = new boolean[8];
        f[0] = true;
        double[] d = EuclideanDistanceTransform.squared(f, g);
        assertEquals(4, d[1], 0);
        assertEquals(9, d[2], 0);
        assertEquals(25, d[4], 0);
        assertEquals(4 + 9 + 25, d[7], 0);
    }

    /** Densities from a single voxel to nearly full, so both sparse and dense envelopes are exercised. */
    private static boolean[] randomMask(Grid g, Random rnd) {
        boolean[] m = new boolean[g.voxels()];
        double density = rnd.nextInt(4) == 0 ? 0.02 : rnd.nextDouble();
        for (int i = 0; i < m.length; i++) {
            m[i] = rnd.nextDouble() < density;
        }
        if (rnd.nextBoolean()) {
            m[rnd.nextInt(m.length)] = true;
        }
        return m;
    }

    private static void check(boolean[] feature, Grid g) {
        double[] fast = EuclideanDistanceTransform.squared(feature, g);
        double[] s = g.spacing();
        int nx = g.size3(0);
        int ny = g.size3(1);
        int nz = g.size3(2);
        for (int p = 0; p < fast.length; p++) {
            double best = Double.POSITIVE_INFINITY;
            for (int q = 0; q < feature.length; q++) {
                if (feature[q]) {
                    double dx = (p % nx - q % nx) * s[0];
                    double dy = ((p / nx) % ny - (q / nx) % ny) * s[1];
                    double dz = g.dims() == 3 ? (p / (nx * ny) - q / (nx * ny)) * s[2] : 0;
                    best = Math.min(best, dx * dx + dy * dy + dz * dz);
                }
            }
            if (Double.isInfinite(best)) {
                assertEquals(best, fast[p], "voxel " + p + " of " + g);
            } else {
                assertEquals(best, fast[p], 1e-9, "voxel " + p + " of " + g + " (nz " + nz + ")");
            }
        }
    }
}
