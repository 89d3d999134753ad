package io.medseg.io.nifti;

import static io.medseg.io.nifti.NiftiTestFiles.assertAffine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Quaternion decomposition: affine to qform and back, on random and half-turn rotations. */
class NiftiQformTest {

    /** A random rotation: uniformly random axis, uniformly random angle in [0, pi]. */
    private static double[][] randomRotation(Random rnd) {
        return axisAngle(randomAxis(rnd), Math.PI * rnd.nextDouble());
    }

    private static double[] randomAxis(Random rnd) {
        double[] axis = { rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian() };
        double n = Math.sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
        for (int k = 0; k < 3; k++) {
            axis[k] /= n;
        }
        return axis;
    }

    /**
     * Rotation by {@code angle} about a unit axis by Rodrigues' formula, R = cos I + sin [k]x + (1 - cos) k k^T;
     * deliberately not through quaternions, so the test does not share the code under test.
     */
    private static double[][] axisAngle(double[] k, double angle) {
        double c = Math.cos(angle), s = Math.sin(angle);
        double[][] cross = { { 0, -k[2], k[1] }, { k[2], 0, -k[0] }, { -k[1], k[0], 0 } };
        double[][] r = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                r[i][j] = (i == j ? c : 0) + s * cross[i][j] + (1 - c) * k[i] * k[j];
            }
        }
        return r;
    }

    private static double[][] compose(double[][] r, double[] spacing, double qfac, double[] offset) {
        double[][] m = new double[4][4];
        double[] s = { spacing[0], spacing[1], qfac * spacing[2] };
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                m[i][j] = r[i][j] * s[j];
            }
            m[i][3] = offset[i];
        }
        m[3][3] = 1;
        return m;
    }

    private static void assertRoundTrip(double[][] affine, double qfac) {
        assertRoundTrip(affine, qfac, 1e-9);
    }

    private static void assertRoundTrip(double[][] affine, double qfac, double tol) {
        Qform q = Qform.fromAffine(affine);
        assertEquals(qfac, q.qfac());
        double a2 = 1 - q.b() * q.b() - q.c() * q.c() - q.d() * q.d();
        assertTrue(a2 >= -1e-12, "|(b,c,d)| <= 1");
        assertAffine(affine, q.toAffine(), tol);
    }

    @Test
    void randomRotationsSpacingsAndHandedness() {
        Random rnd = new Random(42);
        for (int i = 0; i < 2000; i++) {
            double[] spacing = { 0.1 + 5 * rnd.nextDouble(), 0.1 + 5 * rnd.nextDouble(), 0.1 + 5 * rnd.nextDouble() };
            double[] offset = { rnd.nextGaussian() * 100, rnd.nextGaussian() * 100, rnd.nextGaussian() * 100 };
            double qfac = rnd.nextBoolean() ? 1 : -1;
            assertRoundTrip(compose(randomRotation(rnd), spacing, qfac, offset), qfac);
        }
    }

    @Test
    void halfTurnsAboutRandomAndCoordinateAxes() {
        Random rnd = new Random(7);
        double[][] axes = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 }, { Math.sqrt(0.5), Math.sqrt(0.5), 0 },
                { 0, Math.sqrt(0.5), -Math.sqrt(0.5) } };
        for (double[] axis : axes) {
            for (double qfac : new double[] { 1, -1 }) {
                assertRoundTrip(compose(axisAngle(axis, Math.PI), new double[] { 1, 2, 3 }, qfac,
                        new double[] { 4, 5, 6 }), qfac);
            }
        }
        for (int i = 0; i < 500; i++) {
            double[] axis = randomAxis(rnd);
            // exactly 180 degrees and a hair either side, where the trace formula loses accuracy. The implied
            // a = sqrt(1 - |bcd|^2) is ill-conditioned there (an error of 1e-16 in |bcd|^2 moves a by ~1e-8): that
            // is the format's limit, hence the looser tolerance
            double angle = Math.PI + (i % 3 - 1) * 1e-9;
            assertRoundTrip(compose(axisAngle(axis, angle), new double[] { 0.7, 0.7, 1.2 }, 1,
                    new double[] { 0, 0, 0 }), 1, 1e-7);
            // 0.01 degrees short of a half turn: a ~ 1e-4 must be recovered, not rounded to 0
            assertRoundTrip(compose(axisAngle(axis, Math.PI - 1.7e-4), new double[] { 1, 1, 1 }, -1,
                    new double[] { 0, 0, 0 }), -1, 1e-9);
        }
    }

    @Test
    void lasAndLpsGridsHaveTheExpectedQuaternions() {
        // LAS: x flipped, a left-handed grid: qfac -1 flips z, leaving the proper rotation diag(-1, 1, -1)
        Qform las = Qform.fromAffine(new double[][] { { -1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 1, 0 }, { 0, 0, 0, 1 } });
        assertEquals(-1, las.qfac());
        // R = diag(-1, 1, -1): half turn about y
        assertEquals(0, las.b(), 1e-15);
        assertEquals(1, Math.abs(las.c()), 1e-15);
        assertEquals(0, las.d(), 1e-15);
        // LPS: x and y flipped, right-handed: half turn about z, qfac 1
        Qform lps = Qform.fromAffine(new double[][] { { -1, 0, 0, 0 }, { 0, -1, 0, 0 }, { 0, 0, 1, 0 }, { 0, 0, 0, 1 } });
        assertEquals(1, lps.qfac());
        assertEquals(1, Math.abs(lps.d()), 1e-15);
    }

    @Test
    void slightlyShearedAffineGivesTheNearestRotation() {
        double[][] sheared = { { 1, 1e-4, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 1, 0 }, { 0, 0, 0, 1 } };
        Qform q = Qform.fromAffine(sheared);
        assertAffine(sheared, q.toAffine(), 1e-4);
        double[][] r = q.toAffine();
        assertEquals(q.dx() * q.dy() * q.dz(), Qform.det(new double[][] { r[0], r[1], r[2] }), 1e-12,
                "a proper rotation times the voxel sizes");
    }

    @Test
    void halfTurnSurvivesFloatStorage() {
        double[][] a = { { -1, 0, 0, 1 }, { 0, 0, 1, 2 }, { 0, 1, 0, 3 }, { 0, 0, 0, 1 } };
        Qform q = Qform.fromAffine(a).forFloatStorage();
        Qform stored = new Qform((float) q.b(), (float) q.c(), (float) q.d(), q.qfac(), q.dx(), q.dy(), q.dz(),
                q.ox(), q.oy(), q.oz());
        double sum = stored.b() * stored.b() + stored.c() * stored.c() + stored.d() * stored.d();
        assertTrue(sum >= 1 && sum < 1 + 1e-6, "reads as a = 0: " + sum);
        assertAffine(a, stored.toAffine(), 1e-7);
    }

    @Test
    void zeroColumnStillGivesAValidQuaternion() {
        double[][] a = { { 2, 0, 0, 0 }, { 0, 3, 0, 0 }, { 0, 0, 0, 0 }, { 0, 0, 0, 1 } };
        Qform q = Qform.fromAffine(a);
        assertEquals(1, q.dz());
        double[][] back = q.toAffine();
        assertEquals(2, back[0][0], 1e-12);
        assertEquals(3, back[1][1], 1e-12);
    }
}
