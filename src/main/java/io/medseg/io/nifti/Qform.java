package io.medseg.io.nifti;

/**
 * The NIfTI "qform" parameterisation of a voxel-to-world affine: a proper rotation given by the quaternion
 * (a, b, c, d) with only b, c, d stored (a is implied, a &ge; 0), positive voxel sizes, the sign {@code qfac} that
 * flips the third axis (so left-handed voxel grids can be expressed with a proper rotation) and an offset.
 *
 * <p>affine = R(a, b, c, d) &middot; diag(dx, dy, qfac &middot; dz), translation = (ox, oy, oz).
 */
public record Qform(double b, double c, double d, double qfac, double dx, double dy, double dz, double ox,
        double oy, double oz) {

    /** The 4x4 affine this qform describes. */
    public double[][] toAffine() {
        double bb = b, cc = c, dd = d;
        double sum = bb * bb + cc * cc + dd * dd;
        if (sum > 1) {
            // |(b,c,d)| above 1 (rounding in a float header): a half turn; normalise so R stays a pure rotation
            double n = Math.sqrt(sum);
            bb /= n;
            cc /= n;
            dd /= n;
        }
        // a = sqrt(max(0, 1 - |bcd|^2)) as nibabel does; nifticlib also zeroes a when a^2 < 1e-7, which costs up to
        // 0.04 degrees on rotations just short of 180 and is not needed for headers written by MedSeg (see
        // forFloatStorage)
        double a = Math.sqrt(Math.max(0, 1.0 - sum));
        double[][] r = {
                { a * a + bb * bb - cc * cc - dd * dd, 2 * (bb * cc - a * dd), 2 * (bb * dd + a * cc) },
                { 2 * (bb * cc + a * dd), a * a + cc * cc - bb * bb - dd * dd, 2 * (cc * dd - a * bb) },
                { 2 * (bb * dd - a * cc), 2 * (cc * dd + a * bb), a * a + dd * dd - cc * cc - bb * bb } };
        double[] scale = { dx, dy, (qfac < 0 ? -1 : 1) * dz };
        double[][] m = new double[4][4];
        for (int row = 0; row < 3; row++) {
            for (int col = 0; col < 3; col++) {
                m[row][col] = r[row][col] * scale[col];
            }
        }
        m[0][3] = ox;
        m[1][3] = oy;
        m[2][3] = oz;
        m[3][3] = 1;
        return m;
    }

    /**
     * The qform closest to an affine: voxel sizes are the column lengths, the rotation is the orthogonal matrix
     * nearest to the normalised columns (so a slightly sheared affine still gives a valid quaternion), and a
     * left-handed grid (negative determinant) is expressed by qfac = -1 with the third column flipped. The
     * quaternion is extracted from the largest of its four diagonal combinations, which keeps it accurate for
     * rotations near 180&deg;, where the textbook trace formula divides by almost zero.
     */
    public static Qform fromAffine(double[][] affine) {
        double[][] m = new double[3][3];
        double[] size = new double[3];
        for (int col = 0; col < 3; col++) {
            double n = Math.sqrt(sq(affine[0][col]) + sq(affine[1][col]) + sq(affine[2][col]));
            size[col] = n;
            for (int row = 0; row < 3; row++) {
                m[row][col] = n > 0 ? affine[row][col] / n : 0;
            }
        }
        repairDegenerateColumns(m, size);
        double[][] r = nearestOrthogonal(m);
        double qfac = 1;
        if (det(r) < 0) {
            qfac = -1;
            for (int row = 0; row < 3; row++) {
                r[row][2] = -r[row][2];
            }
        }
        // 4a^2 = 1 + r00 + r11 + r22, 4b^2 = 1 + r00 - r11 - r22, ... ; divide by the largest for accuracy
        double[] four = { 1 + r[0][0] + r[1][1] + r[2][2], 1 + r[0][0] - r[1][1] - r[2][2],
                1 - r[0][0] + r[1][1] - r[2][2], 1 - r[0][0] - r[1][1] + r[2][2] };
        int k = 0;
        for (int i = 1; i < 4; i++) {
            if (four[i] > four[k]) {
                k = i;
            }
        }
        double s = 0.5 * Math.sqrt(Math.max(four[k], 0));
        double a, b, c, d;
        switch (k) {
            case 0:
                a = s;
                b = (r[2][1] - r[1][2]) / (4 * s);
                c = (r[0][2] - r[2][0]) / (4 * s);
                d = (r[1][0] - r[0][1]) / (4 * s);
                break;
            case 1:
                b = s;
                a = (r[2][1] - r[1][2]) / (4 * s);
                c = (r[0][1] + r[1][0]) / (4 * s);
                d = (r[0][2] + r[2][0]) / (4 * s);
                break;
            case 2:
                c = s;
                a = (r[0][2] - r[2][0]) / (4 * s);
                b = (r[0][1] + r[1][0]) / (4 * s);
                d = (r[1][2] + r[2][1]) / (4 * s);
                break;
            default:
                d = s;
                a = (r[1][0] - r[0][1]) / (4 * s);
                b = (r[0][2] + r[2][0]) / (4 * s);
                c = (r[1][2] + r[2][1]) / (4 * s);
                break;
        }
        // q and -q are the same rotation; NIfTI stores the one with a >= 0 because a is implied as a square root
        if (a < 0) {
            b = -b;
            c = -c;
            d = -d;
        }
        return new Qform(b, c, d, qfac, size[0] > 0 ? size[0] : 1, size[1] > 0 ? size[1] : 1,
                size[2] > 0 ? size[2] : 1, affine[0][3], affine[1][3], affine[2][3]);
    }

    /**
     * This qform adjusted for a header that stores b, c, d as 32-bit floats (NIfTI-1). Readers recover a as
     * sqrt(1 - b^2 - c^2 - d^2); near a half turn that difference is below float resolution, so rounding b, c, d
     * can turn a = 0 into a = 3e-4 (a 0.03&deg; error, which nibabel shows for exact 180&deg; rotations). When the
     * rounded values would imply a worse a than zero does, (b, c, d) is stored as a unit vector rounded so that the
     * sum of squares is not below 1, which every reader takes as a = 0.
     */
    public Qform forFloatStorage() {
        double a = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
        if (Math.abs(impliedA((float) b, (float) c, (float) d) - a) <= a) {
            return this;
        }
        double n = Math.sqrt(b * b + c * c + d * d);
        for (int step = 0; step < 64; step++) {
            double f = (1 + step * 1e-8) / n;
            float fb = (float) (b * f), fc = (float) (c * f), fd = (float) (d * f);
            if ((double) fb * fb + (double) fc * fc + (double) fd * fd >= 1) {
                return new Qform(fb, fc, fd, qfac, dx, dy, dz, ox, oy, oz);
            }
        }
        return this;
    }

    private static double impliedA(double b, double c, double d) {
        return Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
    }

    /**
     * A zero column (for example the unused slice axis of a degenerate 2D affine) has no direction; give it one
     * orthogonal to the others so a rotation exists. Its voxel size is reported as 1.
     */
    private static void repairDegenerateColumns(double[][] m, double[] size) {
        for (int pass = 0; pass < 3; pass++) {
            for (int col = 0; col < 3; col++) {
                if (size[col] != 0) {
                    continue;
                }
                int p = (col + 1) % 3, q = (col + 2) % 3;
                double[] u = column(m, p), v = column(m, q);
                double[] w = cross(u, v);
                double n = Math.sqrt(sq(w[0]) + sq(w[1]) + sq(w[2]));
                if (n == 0) {
                    // the other columns are missing too (or parallel): fall back to the matching unit vector
                    w = new double[3];
                    w[col] = 1;
                    n = 1;
                }
                for (int row = 0; row < 3; row++) {
                    m[row][col] = w[row] / n;
                }
                size[col] = -1; // marks "filled in"; reported as 1 by the caller
            }
        }
        for (int col = 0; col < 3; col++) {
            if (size[col] < 0) {
                size[col] = 0;
            }
        }
    }

    /** Polar decomposition by Newton iteration X &larr; (X + X^-T) / 2: the orthogonal matrix nearest to m. */
    private static double[][] nearestOrthogonal(double[][] m) {
        double[][] x = new double[3][];
        for (int i = 0; i < 3; i++) {
            x[i] = m[i].clone();
        }
        for (int iter = 0; iter < 50; iter++) {
            double[][] inv = inverse(x);
            if (inv == null) {
                break; // singular (parallel columns): keep what we have, the sform carries the exact affine
            }
            double diff = 0;
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double next = 0.5 * (x[i][j] + inv[j][i]);
                    diff = Math.max(diff, Math.abs(next - x[i][j]));
                    x[i][j] = next;
                }
            }
            if (diff < 1e-15) {
                break;
            }
        }
        return x;
    }

    private static double[][] inverse(double[][] m) {
        double det = det(m);
        if (Math.abs(det) < 1e-12) {
            return null;
        }
        double[][] inv = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                // cofactor of m[j][i] gives inv[i][j]
                int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
                inv[i][j] = (m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0]) / det;
            }
        }
        return inv;
    }

    static double det(double[][] m) {
        return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    }

    private static double[] column(double[][] m, int col) {
        return new double[] { m[0][col], m[1][col], m[2][col] };
    }

    private static double[] cross(double[] u, double[] v) {
        return new double[] { u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0] };
    }

    private static double sq(double v) {
        return v * v;
    }
}
