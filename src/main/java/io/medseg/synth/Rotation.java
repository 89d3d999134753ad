package io.medseg.synth;

/** 3x3 rotation matrices, {@code [row][col]}, for orienting shapes and scan directions. */
final class Rotation {
    private Rotation() {
    }

    static double[][] identity() {
        return new double[][] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
    }

    /** Rotation by {@code angle} radians about the unit vector {@code axis} (Rodrigues' formula). */
    static double[][] about(double[] axis, double angle) {
        double c = Math.cos(angle);
        double s = Math.sin(angle);
        double t = 1 - c;
        double x = axis[0];
        double y = axis[1];
        double z = axis[2];
        return new double[][] {
            { t * x * x + c, t * x * y - s * z, t * x * z + s * y },
            { t * x * y + s * z, t * y * y + c, t * y * z - s * x },
            { t * x * z - s * y, t * y * z + s * x, t * z * z + c } };
    }

    static double[][] multiply(double[][] a, double[][] b) {
        double[][] m = new double[3][3];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                for (int k = 0; k < 3; k++) {
                    m[r][c] += a[r][k] * b[k][c];
                }
            }
        }
        return m;
    }

    /** {@code mᵀ v}: for a rotation, maps world coordinates into the rotated frame. */
    static double[] applyTransposed(double[][] m, double[] v) {
        double[] r = new double[3];
        for (int c = 0; c < 3; c++) {
            r[c] = m[0][c] * v[0] + m[1][c] * v[1] + m[2][c] * v[2];
        }
        return r;
    }

    static double[] apply(double[][] m, double[] v) {
        double[] r = new double[3];
        for (int i = 0; i < 3; i++) {
            r[i] = m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2];
        }
        return r;
    }
}
