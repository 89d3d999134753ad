package io.medseg.io.nifti;

import static io.medseg.io.nifti.NiftiTestFiles.assertAffine;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medseg.image.Volume;

/** Hand-built headers with known affines, read through the whole reader. */
class NiftiAffineTest {
    @TempDir
    Path dir;

    private Volume read(NiftiHeader.Builder b) throws IOException {
        return NiftiReader.read(NiftiTestFiles.write(dir.resolve("h.nii"), b.build(), new byte[2 * 3 * 4], false));
    }

    private static NiftiHeader.Builder base() {
        NiftiHeader.Builder b = NiftiTestFiles.header(1, 2, 8, 2, 3, 4);
        b.pixdim = new double[] { 1, 2, 3, 4, 1, 1, 1, 1 };
        return b;
    }

    private static void qform(NiftiHeader.Builder b, double qb, double qc, double qd, double... offset) {
        b.qformCode = 1;
        b.quaternB = qb;
        b.quaternC = qc;
        b.quaternD = qd;
        b.qoffsetX = offset[0];
        b.qoffsetY = offset[1];
        b.qoffsetZ = offset[2];
    }

    private static void sform(NiftiHeader.Builder b, double[][] m) {
        b.sformCode = 2;
        b.srowX = m[0];
        b.srowY = m[1];
        b.srowZ = m[2];
    }

    @Test
    void neitherCodeUsesPixdimWithZeroOffset() throws IOException {
        NiftiHeader.Builder b = base();
        b.qoffsetX = 50; // ignored: qform_code is 0
        assertAffine(new double[][] { { 2, 0, 0, 0 }, { 0, 3, 0, 0 }, { 0, 0, 4, 0 }, { 0, 0, 0, 1 } },
                read(b).geometry().affine(), 0);
    }

    @Test
    void qformIdentityQuaternionIsRas() throws IOException {
        NiftiHeader.Builder b = base();
        qform(b, 0, 0, 0, 10, 20, 30);
        assertAffine(new double[][] { { 2, 0, 0, 10 }, { 0, 3, 0, 20 }, { 0, 0, 4, 30 }, { 0, 0, 0, 1 } },
                read(b).geometry().affine(), 1e-12);
    }

    @Test
    void qformHalfTurnAboutZIsLpsLikeLasWithFlippedY() throws IOException {
        // quaternion (0, 0, 0, 1): 180 degrees about z, so x and y are negated (the usual DICOM-LPS-to-RAS turn)
        NiftiHeader.Builder b = base();
        qform(b, 0, 0, 1, 1, 2, 3);
        assertAffine(new double[][] { { -2, 0, 0, 1 }, { 0, -3, 0, 2 }, { 0, 0, 4, 3 }, { 0, 0, 0, 1 } },
                read(b).geometry().affine(), 1e-12);
    }

    @Test
    void qformQuarterTurnAboutX() throws IOException {
        double h = Math.sqrt(0.5);
        NiftiHeader.Builder b = base();
        qform(b, h, 0, 0, 0, 0, 0);
        // j maps to +z, k to -y
        assertAffine(new double[][] { { 2, 0, 0, 0 }, { 0, 0, -4, 0 }, { 0, 3, 0, 0 }, { 0, 0, 0, 1 } },
                read(b).geometry().affine(), 1e-6);
    }

    @Test
    void negativeQfacFlipsTheThirdAxis() throws IOException {
        NiftiHeader.Builder b = base();
        b.pixdim[0] = -1;
        qform(b, 0, 0, 0, 0, 0, 0);
        assertAffine(new double[][] { { 2, 0, 0, 0 }, { 0, 3, 0, 0 }, { 0, 0, -4, 0 }, { 0, 0, 0, 1 } },
                read(b).geometry().affine(), 0);
    }

    @Test
    void qfacZeroMeansOne() throws IOException {
        NiftiHeader.Builder b = base();
        b.pixdim[0] = 0;
        qform(b, 0, 0, 0, 0, 0, 0);
        assertEquals(4, read(b).geometry().affine()[2][2]);
    }

    @Test
    void lasSformOnly() throws IOException {
        double[][] las = { { -2, 0, 0, 90 }, { 0, 3, 0, -126 }, { 0, 0, 4, -72 }, { 0, 0, 0, 1 } };
        NiftiHeader.Builder b = base();
        sform(b, las);
        Volume v = read(b);
        assertAffine(las, v.geometry().affine(), 0);
        assertEquals(-1, v.geometry().direction()[0][0]);
    }

    @Test
    void sformWinsOverQform() throws IOException {
        double[][] s = { { 0, -3, 0, 5 }, { 2, 0, 0, 6 }, { 0, 0, 4, 7 }, { 0, 0, 0, 1 } };
        NiftiHeader.Builder b = base();
        qform(b, 0, 0, 0, 10, 20, 30);
        sform(b, s);
        assertAffine(s, read(b).geometry().affine(), 0);
    }

    @Test
    void nonFiniteSformFallsBackToQform() throws IOException {
        NiftiHeader.Builder b = base();
        qform(b, 0, 0, 0, 10, 20, 30);
        sform(b, new double[][] { { Double.NaN, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 1, 0 } });
        assertAffine(new double[][] { { 2, 0, 0, 10 }, { 0, 3, 0, 20 }, { 0, 0, 4, 30 }, { 0, 0, 0, 1 } },
                read(b).geometry().affine(), 0);
    }

    @Test
    void metresAndMicronsAreConvertedToMillimetres() throws IOException {
        NiftiHeader.Builder b = base();
        sform(b, new double[][] { { 0.002, 0, 0, 0.1 }, { 0, 0.003, 0, 0.2 }, { 0, 0, 0.004, 0.3 } });
        b.xyztUnits = 1 | 8; // metre, seconds
        // NIfTI-1 stores floats: 0.1 m is 100.0000015 mm
        assertAffine(new double[][] { { 2, 0, 0, 100 }, { 0, 3, 0, 200 }, { 0, 0, 4, 300 }, { 0, 0, 0, 1 } },
                read(b).geometry().affine(), 1e-4);

        NiftiHeader.Builder u = base();
        qform(u, 0, 0, 0, 1000, 0, -500);
        u.pixdim = new double[] { 1, 500, 250, 1000, 1, 1, 1, 1 };
        u.xyztUnits = 3; // micron
        assertAffine(new double[][] { { 0.5, 0, 0, 1 }, { 0, 0.25, 0, 0 }, { 0, 0, 1, -0.5 }, { 0, 0, 0, 1 } },
                read(u).geometry().affine(), 1e-6);
    }

    @Test
    void invalidPixdimCountsAsOne() throws IOException {
        NiftiHeader.Builder b = base();
        b.pixdim = new double[] { 1, Double.NaN, 0, -4, 1, 1, 1, 1 };
        Volume v = read(b);
        assertAffine(new double[][] { { 1, 0, 0, 0 }, { 0, 1, 0, 0 }, { 0, 0, 4, 0 }, { 0, 0, 0, 1 } },
                v.geometry().affine(), 0);
    }

    @Test
    void freshHeaderDescribesTheAffineWithBothForms() {
        double[][] a = NiftiRoundTripTest.obliqueAffine();
        Volume v = Volume.of(io.medseg.image.ImageDataType.UINT8.createImg(2, 2, 2, 1),
                io.medseg.image.Geometry.ofAffine(3, a));
        for (int version : new int[] { 1, 2 }) {
            NiftiHeader h = NiftiHeader.parse(NiftiWriter.header(v, version).toBytes(), version,
                    java.nio.ByteOrder.LITTLE_ENDIAN);
            assertEquals(1, h.sformCode());
            assertEquals(1, h.qformCode());
            assertEquals(10, h.xyztUnits());
            assertEquals(-1, h.pixdim()[0], "left-handed: qfac -1");
            double tol = version == 1 ? 1e-5 : 1e-12;
            assertAffine(a, NiftiAffine.of(h), tol);
            assertAffine(a, NiftiAffine.qform(h).toAffine(), tol);
        }
    }
}
