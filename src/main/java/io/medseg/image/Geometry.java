package io.medseg.image;

import java.util.Arrays;

/**
 * Where voxels sit in physical space: a 4x4 voxel-to-world affine in RAS+ millimetres (the NIfTI and nibabel
 * convention), for 2D or 3D images. Column {@code a} of the upper 3x3 block is the step in world space for one voxel
 * along axis {@code a}; its length is the spacing and its direction the direction cosine. The last column is the
 * world position of voxel (0, 0, 0). A 2D image still has a full 4x4 affine; its third column describes the (unused)
 * slice axis.
 */
public final class Geometry {
    private final int spatialDims;
    private final double[][] affine;

    private Geometry(int spatialDims, double[][] affine) {
        if (spatialDims != 2 && spatialDims != 3) {
            throw new IllegalArgumentException("spatial dimensions must be 2 or 3, got " + spatialDims);
        }
        this.spatialDims = spatialDims;
        this.affine = copy(affine);
    }

    /** A geometry from a 4x4 voxel-to-world affine (RAS+ mm). */
    public static Geometry ofAffine(int spatialDims, double[][] affine) {
        if (affine.length != 4 || Arrays.stream(affine).anyMatch(r -> r.length != 4)) {
            throw new IllegalArgumentException("affine must be 4x4");
        }
        return new Geometry(spatialDims, affine);
    }

    /**
     * A geometry from spacing, origin and direction cosines ({@code direction[row][col]}, columns are the world
     * directions of the voxel axes). Arrays may have 2 or 3 entries; missing entries default to unit spacing, zero
     * origin and the identity direction.
     */
    public static Geometry of(double[] spacing, double[] origin, double[][] direction) {
        int dims = spacing.length;
        double[][] a = identity4();
        for (int c = 0; c < 3; c++) {
            double s = c < spacing.length ? spacing[c] : 1.0;
            for (int r = 0; r < 3; r++) {
                double d = (direction != null && r < direction.length && c < direction[r].length) ? direction[r][c]
                        : (r == c ? 1.0 : 0.0);
                a[r][c] = d * s;
            }
        }
        for (int r = 0; r < 3 && r < origin.length; r++) {
            a[r][3] = origin[r];
        }
        return new Geometry(dims, a);
    }

    /** Unit spacing, zero origin, identity direction: the geometry of a plain picture. */
    public static Geometry identity(int spatialDims) {
        return new Geometry(spatialDims, identity4());
    }

    public int spatialDims() {
        return spatialDims;
    }

    /** A copy of the 4x4 voxel-to-world affine. */
    public double[][] affine() {
        return copy(affine);
    }

    /** Voxel size in mm along each spatial axis (lengths of the affine's columns). */
    public double[] spacing() {
        double[] s = new double[spatialDims];
        for (int c = 0; c < spatialDims; c++) {
            s[c] = Math.sqrt(affine[0][c] * affine[0][c] + affine[1][c] * affine[1][c] + affine[2][c] * affine[2][c]);
        }
        return s;
    }

    /** World position (mm) of voxel (0, 0, 0). */
    public double[] origin() {
        return new double[] { affine[0][3], affine[1][3], affine[2][3] };
    }

    /** 3x3 direction cosines, {@code [row][col]}, columns of unit length. */
    public double[][] direction() {
        double[][] d = new double[3][3];
        for (int c = 0; c < 3; c++) {
            double n = Math.sqrt(affine[0][c] * affine[0][c] + affine[1][c] * affine[1][c] + affine[2][c] * affine[2][c]);
            for (int r = 0; r < 3; r++) {
                d[r][c] = n == 0 ? (r == c ? 1 : 0) : affine[r][c] / n;
            }
        }
        return d;
    }

    /** World coordinates (mm) of a voxel index (2 or 3 entries; a missing third index counts as 0). */
    public double[] toWorld(double... index) {
        double[] w = new double[3];
        for (int r = 0; r < 3; r++) {
            double v = affine[r][3];
            for (int c = 0; c < 3 && c < index.length; c++) {
                v += affine[r][c] * index[c];
            }
            w[r] = v;
        }
        return w;
    }

    /** True when both affines agree to within {@code tol} (absolute, mm) in every entry. */
    public boolean approximatelyEquals(Geometry other, double tol) {
        if (other == null || other.spatialDims != spatialDims) {
            return false;
        }
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                if (!(Math.abs(affine[r][c] - other.affine[r][c]) <= tol)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Geometry && ((Geometry) o).spatialDims == spatialDims
                && Arrays.deepEquals(((Geometry) o).affine, affine);
    }

    @Override
    public int hashCode() {
        return 31 * spatialDims + Arrays.deepHashCode(affine);
    }

    @Override
    public String toString() {
        return "Geometry" + spatialDims + "D" + Arrays.deepToString(affine);
    }

    static double[][] identity4() {
        double[][] a = new double[4][4];
        for (int i = 0; i < 4; i++) {
            a[i][i] = 1;
        }
        return a;
    }

    private static double[][] copy(double[][] m) {
        double[][] c = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }
}
