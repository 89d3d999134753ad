package io.medseg.evaluation;

import java.util.Arrays;

/**
 * Distances between two mask surfaces in mm, one per surface voxel in each direction: from every surface voxel of the
 * prediction to the nearest surface voxel of the reference, and back. Each direction is sorted ascending. The surface
 * metrics (HD95, ASSD, NSD) are all functions of these two lists, following DeepMind's surface-distance definitions
 * with unit weight per surface voxel.
 */
public final class SurfaceDistances {
    private final double[] predToRef;
    private final double[] refToPred;

    SurfaceDistances(double[] predToRef, double[] refToPred) {
        this.predToRef = predToRef.clone();
        this.refToPred = refToPred.clone();
        Arrays.sort(this.predToRef);
        Arrays.sort(this.refToPred);
    }

    /** Surfaces of both masks and the distances between them; an empty mask gives an empty list in its direction. */
    public static SurfaceDistances between(boolean[] pred, boolean[] ref, Grid grid) {
        int[][] box = unionBox(pred, ref, grid);
        if (box == null) {
            return new SurfaceDistances(new double[0], new double[0]);
        }
        // Cropping to the union bounding box is exact, not an approximation: everything outside it is background,
        // which is also how SurfaceVoxels treats voxels beyond the grid, and every distance is measured between
        // voxels inside it. It keeps the two full-size distance transforms off large, mostly empty images.
        Grid cropped = cropGrid(grid, box);
        boolean[] p = crop(pred, grid, box, cropped);
        boolean[] r = crop(ref, grid, box, cropped);
        boolean[] predSurface = SurfaceVoxels.of(p, cropped);
        boolean[] refSurface = SurfaceVoxels.of(r, cropped);
        return new SurfaceDistances(directed(predSurface, refSurface, cropped),
                directed(refSurface, predSurface, cropped));
    }

    /** {min, max} voxel coordinates per axis (3 axes) of the union of both masks, or null when both are empty. */
    private static int[][] unionBox(boolean[] a, boolean[] b, Grid grid) {
        int nx = grid.size3(0);
        int ny = grid.size3(1);
        int[] min = { Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE };
        int[] max = { -1, -1, -1 };
        for (int i = 0; i < a.length; i++) {
            if (a[i] || b[i]) {
                int[] c = { i % nx, (i / nx) % ny, i / (nx * ny) };
                for (int d = 0; d < 3; d++) {
                    min[d] = Math.min(min[d], c[d]);
                    max[d] = Math.max(max[d], c[d]);
                }
            }
        }
        return max[0] < 0 ? null : new int[][] { min, max };
    }

    private static Grid cropGrid(Grid grid, int[][] box) {
        int[] size = new int[grid.dims()];
        for (int d = 0; d < size.length; d++) {
            size[d] = box[1][d] - box[0][d] + 1;
        }
        return new Grid(grid.dims(), size, grid.spacing());
    }

    private static boolean[] crop(boolean[] mask, Grid grid, int[][] box, Grid cropped) {
        int nx = grid.size3(0);
        int ny = grid.size3(1);
        int cx = cropped.size3(0);
        int cy = cropped.size3(1);
        int cz = cropped.size3(2);
        boolean[] out = new boolean[cropped.voxels()];
        for (int z = 0; z < cz; z++) {
            for (int y = 0; y < cy; y++) {
                int src = box[0][0] + nx * ((y + box[0][1]) + ny * (z + box[0][2]));
                System.arraycopy(mask, src, out, cx * (y + cy * z), cx);
            }
        }
        return out;
    }

    /** For each voxel of {@code from}, the distance to the nearest voxel of {@code to} (+infinity if none). */
    private static double[] directed(boolean[] from, boolean[] to, Grid grid) {
        double[] sq = EuclideanDistanceTransform.squared(to, grid);
        int count = 0;
        for (boolean b : from) {
            count += b ? 1 : 0;
        }
        double[] d = new double[count];
        int n = 0;
        for (int i = 0; i < from.length; i++) {
            if (from[i]) {
                d[n++] = Math.sqrt(sq[i]);
            }
        }
        return d;
    }

    public double[] predToRef() {
        return predToRef.clone();
    }

    public double[] refToPred() {
        return refToPred.clone();
    }

    /**
     * Nearest-rank percentile of a sorted list: the smallest value v with at least percent% of the list &lt;= v, i.e.
     * element ceil(percent/100 * n) - 1 (at least 0). This is what DeepMind's compute_robust_hausdorff returns with
     * unit weights (searchsorted on the cumulative fraction); it is always an observed distance, no interpolation.
     */
    static double percentile(double[] sorted, double percent) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        // the small slack keeps e.g. 95% of 20 at rank 19 despite 0.95 not being exact in binary
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length - 1e-9);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    /** Robust Hausdorff distance: the larger of the two directed percentiles (percent = 95 gives HD95). */
    public double hausdorff(double percent) {
        return Math.max(percentile(predToRef, percent), percentile(refToPred, percent));
    }

    /** Average symmetric surface distance: the mean of all distances of both directions pooled together. */
    public double averageSymmetric() {
        double sum = 0;
        for (double d : predToRef) {
            sum += d;
        }
        for (double d : refToPred) {
            sum += d;
        }
        return sum / (predToRef.length + refToPred.length);
    }

    /**
     * Normalized surface Dice at tolerance tau (mm): the fraction of surface voxels of both masks that lie within tau
     * of the other surface, (|{a: d(a,B) <= tau}| + |{b: d(b,A) <= tau}|) / (|dA| + |dB|).
     */
    public double normalizedSurfaceDice(double tau) {
        return (double) (countAtMost(predToRef, tau) + countAtMost(refToPred, tau))
                / (predToRef.length + refToPred.length);
    }

    private static int countAtMost(double[] sorted, double tau) {
        int n = 0;
        while (n < sorted.length && sorted[n] <= tau) {
            n++;
        }
        return n;
    }
}
