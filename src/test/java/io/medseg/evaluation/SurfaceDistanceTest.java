package io.medseg.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Surface voxels, percentiles and the surface metrics on hand-computed and analytic shapes. */
class SurfaceDistanceTest {

    @Test
    void surfaceUsesFullNeighbourhoodAndBorderIsBackground() {
        Grid g2 = new Grid(2, new int[] { 8, 8 }, new double[] { 1, 1 });
        assertEquals(12, count(SurfaceVoxels.of(box2(g2, 2, 5, 2, 5), g2)));
        // a voxel touching background only diagonally is still surface (3^d neighbourhood, not 2d+1)
        boolean[] diag = box2(g2, 1, 6, 1, 6);
        diag[idx(g2, 6, 6)] = false;
        assertEquals(true, SurfaceVoxels.of(diag, g2)[idx(g2, 5, 5)]);
        // a mask filling the grid: every edge pixel is surface, interior is not
        Grid small = new Grid(2, new int[] { 3, 3 }, new double[] { 1, 1 });
        boolean[] full = new boolean[9];
        java.util.Arrays.fill(full, true);
        assertEquals(8, count(SurfaceVoxels.of(full, small)));
        Grid g3 = new Grid(3, new int[] { 5, 5, 5 }, new double[] { 1, 1, 1 });
        boolean[] cube = new boolean[125];
        for (int z = 1; z <= 3; z++) {
            for (int y = 1; y <= 3; y++) {
                for (int x = 1; x <= 3; x++) {
                    cube[x + 5 * (y + 5 * z)] = true;
                }
            }
        }
        assertEquals(26, count(SurfaceVoxels.of(cube, g3)));
    }

    @Test
    void nearestRankPercentile() {
        double[] twenty = new double[20];
        for (int i = 0; i < 20; i++) {
            twenty[i] = i + 1;
        }
        assertEquals(19, SurfaceDistances.percentile(twenty, 95), 0);
        assertEquals(20, SurfaceDistances.percentile(twenty, 100), 0);
        assertEquals(10, SurfaceDistances.percentile(twenty, 50), 0);
        assertEquals(1, SurfaceDistances.percentile(twenty, 0), 0);
        assertEquals(12, SurfaceDistances.percentile(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }, 95), 0);
    }

    /**
     * A 4x4 square and the same square shifted by one voxel along i, spacing (2, 1) mm. By hand, each direction has 12
     * surface voxels with distances {0 x6, 1 x2, 2 x4}: the shared rows are 0, the trailing column is one i-step (2 mm)
     * away, and the two inner voxels of the leading column are one j-step (1 mm) from the other square's top or
     * bottom row.
     */
    @Test
    void shiftedSquaresHandComputed() {
        Grid g = new Grid(2, new int[] { 9, 8 }, new double[] { 2, 1 });
        boolean[] a = box2(g, 2, 5, 2, 5);
        boolean[] b = box2(g, 3, 6, 2, 5);
        SurfaceDistances d = SurfaceDistances.between(a, b, g);
        double[] expected = { 0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2 };
        assertArrayEquals(expected, d.predToRef(), 1e-12);
        assertArrayEquals(expected, d.refToPred(), 1e-12);
        assertEquals(2, d.hausdorff(95), 1e-12);
        // nearest rank: 50% of 12 is rank 6 (a 0), 60% is rank 8 (a 1)
        assertEquals(0, d.hausdorff(50), 1e-12);
        assertEquals(1, d.hausdorff(60), 1e-12);
        assertEquals(20.0 / 24, d.averageSymmetric(), 1e-12);
        assertEquals(16.0 / 24, d.normalizedSurfaceDice(1), 1e-12);
        assertEquals(12.0 / 24, d.normalizedSurfaceDice(0.5), 1e-12);
        assertEquals(1, d.normalizedSurfaceDice(2), 1e-12);

        LabelMetrics m = new SegmentationScorer(1, EmptyMaskConvention.NAN).score(1, a, b, g);
        assertEquals(0.75, m.dice(), 1e-12);
        assertEquals(0.6, m.iou(), 1e-12);
        assertEquals(2, m.hd95(), 1e-12);
        assertEquals(20.0 / 24, m.assd(), 1e-12);
        assertEquals(16.0 / 24, m.nsd(), 1e-12);
        assertEquals(32, m.predVolume(), 1e-12);
        assertEquals(0, m.volumeDiff(), 1e-12);
    }

    /** Concentric discs of radius 15 and 10 mm on a 0.5 mm grid: every distance is about 5 mm. */
    @Test
    void concentricDiscs() {
        Grid g = new Grid(2, new int[] { 81, 81 }, new double[] { 0.5, 0.5 });
        boolean[] outer = ball(g, 15);
        boolean[] inner = ball(g, 10);
        SurfaceDistances d = SurfaceDistances.between(outer, inner, g);
        for (double x : d.predToRef()) {
            assertEquals(5, x, 0.75);
        }
        assertEquals(5, d.hausdorff(95), 0.75);
        assertEquals(5, d.averageSymmetric(), 0.5);
        assertEquals(0, d.normalizedSurfaceDice(3.9), 0);
        assertEquals(1, d.normalizedSurfaceDice(6), 0);
    }

    /** Concentric spheres of radius 16 and 12 mm with anisotropic spacing (1, 1, 2) mm: distances about 4 mm. */
    @Test
    void concentricSpheresAnisotropic() {
        Grid g = new Grid(3, new int[] { 41, 41, 21 }, new double[] { 1, 1, 2 });
        SurfaceDistances d = SurfaceDistances.between(ball(g, 16), ball(g, 12), g);
        assertEquals(4, d.hausdorff(95), 1.5);
        assertEquals(4, d.averageSymmetric(), 0.75);
        assertEquals(0, d.normalizedSurfaceDice(1.5), 0.02);
        assertEquals(1, d.normalizedSurfaceDice(6.5), 0);
    }

    /** Single voxels are their own surface; their distance is the physical one, with each axis's spacing. */
    @Test
    void singleVoxelsUseSpacingPerAxis() {
        Grid g = new Grid(3, new int[] { 4, 5, 6 }, new double[] { 1, 1, 2 });
        boolean[] a = new boolean[g.voxels()];
        boolean[] b = new boolean[g.voxels()];
        a[1 + 4 * (1 + 5 * 1)] = true;
        b[2 + 4 * (3 + 5 * 4)] = true;
        SurfaceDistances d = SurfaceDistances.between(a, b, g);
        assertEquals(Math.sqrt(1 + 4 + 36), d.hausdorff(95), 1e-12);
        assertEquals(Math.sqrt(1 + 4 + 36), d.averageSymmetric(), 1e-12);
    }

    /**
     * Random blobs (some touching the image border) against brute force over all surface-voxel pairs on the full
     * grid: checks the nearest-surface search and that cropping to the union bounding box changes nothing.
     */
    @Test
    void randomMasksMatchBruteForceOnFullGrid() {
        java.util.Random rnd = new java.util.Random(5);
        for (int trial = 0; trial < 40; trial++) {
            boolean threeD = trial % 2 == 0;
            Grid g = threeD
                    ? new Grid(3, new int[] { 3 + rnd.nextInt(8), 3 + rnd.nextInt(8), 2 + rnd.nextInt(6) },
                            new double[] { 0.5 + rnd.nextDouble(), 0.5 + rnd.nextDouble(), 1 + 2 * rnd.nextDouble() })
                    : new Grid(2, new int[] { 3 + rnd.nextInt(12), 3 + rnd.nextInt(12) },
                            new double[] { 0.5 + rnd.nextDouble(), 0.5 + 2 * rnd.nextDouble() });
            boolean[] a = blob(g, rnd);
            boolean[] b = blob(g, rnd);
            if (count(a) == 0 || count(b) == 0) {
                continue;
            }
            SurfaceDistances d = SurfaceDistances.between(a, b, g);
            assertArrayEquals(bruteForce(a, b, g), d.predToRef(), 1e-9, "trial " + trial);
            assertArrayEquals(bruteForce(b, a, g), d.refToPred(), 1e-9, "trial " + trial);
        }
    }

    private static boolean[] blob(Grid g, java.util.Random rnd) {
        boolean[] m = new boolean[g.voxels()];
        int x0 = rnd.nextInt(g.size3(0));
        int y0 = rnd.nextInt(g.size3(1));
        int z0 = rnd.nextInt(g.size3(2));
        int x1 = Math.min(g.size3(0) - 1, x0 + rnd.nextInt(5));
        int y1 = Math.min(g.size3(1) - 1, y0 + rnd.nextInt(5));
        int z1 = Math.min(g.size3(2) - 1, z0 + rnd.nextInt(4));
        for (int z = z0; z <= z1; z++) {
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    // holes make concave, non-box surfaces
                    m[x + g.size3(0) * (y + g.size3(1) * z)] = rnd.nextDouble() < 0.85;
                }
            }
        }
        return m;
    }

    private static double[] bruteForce(boolean[] from, boolean[] to, Grid g) {
        boolean[] sf = SurfaceVoxels.of(from, g);
        boolean[] st = SurfaceVoxels.of(to, g);
        double[] s = g.spacing();
        int nx = g.size3(0);
        int ny = g.size3(1);
        java.util.List<Double> out = new java.util.ArrayList<>();
        for (int p = 0; p < sf.length; p++) {
            if (!sf[p]) {
                continue;
            }
            double best = Double.POSITIVE_INFINITY;
            for (int q = 0; q < st.length; q++) {
                if (st[q]) {
                    double dx = (p % nx - q % nx) * s[0];
                    double dy = ((p / nx) % ny - (q / nx) % ny) * s[1];
                    double dz = g.dims() == 3 ? (p / (nx * ny) - q / (nx * ny)) * s[2] : 0;
                    best = Math.min(best, Math.sqrt(dx * dx + dy * dy + dz * dz));
                }
            }
            out.add(best);
        }
        return out.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    /** A ball of the given radius (mm) centred in the grid, in physical coordinates. */
    static boolean[] ball(Grid g, double radius) {
        double[] s = g.spacing();
        int nx = g.size3(0);
        int ny = g.size3(1);
        int nz = g.size3(2);
        boolean[] m = new boolean[g.voxels()];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    double dx = (x - (nx - 1) / 2.0) * s[0];
                    double dy = (y - (ny - 1) / 2.0) * s[1];
                    double dz = g.dims() == 3 ? (z - (nz - 1) / 2.0) * s[2] : 0;
                    m[x + nx * (y + ny * z)] = dx * dx + dy * dy + dz * dz <= radius * radius;
                }
            }
        }
        return m;
    }

    /** Inclusive box [x0, x1] x [y0, y1] in a 2D grid. */
    static boolean[] box2(Grid g, int x0, int x1, int y0, int y1) {
        boolean[] m = new boolean[g.voxels()];
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                m[idx(g, x, y)] = true;
            }
        }
        return m;
    }

    static int idx(Grid g, int x, int y) {
        return x + g.size3(0) * y;
    }

    static int count(boolean[] m) {
        int n = 0;
        for (boolean b : m) {
            n += b ? 1 : 0;
        }
        return n;
    }
}
