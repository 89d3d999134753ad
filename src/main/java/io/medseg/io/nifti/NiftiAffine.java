package io.medseg.io.nifti;

/**
 * The voxel-to-world affine a NIfTI header implies, following the standard's three methods in order of preference:
 * the sform ({@code sform_code > 0}), the qform ({@code qform_code > 0}), and "method 1" (voxel sizes only, zero
 * offset) for Analyze-style files. The result is scaled to millimetres from the spatial unit in {@code xyzt_units}.
 *
 * <p>Headers in the wild carry invalid voxel sizes (zero, negative, NaN); like nifticlib they are read as 1, and a
 * negative size counts by its magnitude (orientation is the job of qfac and the sform). An sform with non-finite
 * entries is ignored in favour of the next method rather than producing a NaN geometry.
 */
public final class NiftiAffine {
    private NiftiAffine() {
    }

    /** Which of the standard's methods gave the affine. */
    public enum Method {
        SFORM, QFORM, PIXDIM
    }

    /** The method the header's codes select. */
    public static Method methodOf(NiftiHeader h) {
        if (h.sformCode() > 0 && finite(h.srowX()) && finite(h.srowY()) && finite(h.srowZ())) {
            return Method.SFORM;
        }
        if (h.qformCode() > 0 && Double.isFinite(h.quaternB()) && Double.isFinite(h.quaternC())
                && Double.isFinite(h.quaternD()) && Double.isFinite(h.qoffsetX()) && Double.isFinite(h.qoffsetY())
                && Double.isFinite(h.qoffsetZ())) {
            return Method.QFORM;
        }
        return Method.PIXDIM;
    }

    /** The 4x4 voxel-to-world affine in millimetres. */
    public static double[][] of(NiftiHeader h) {
        double[][] m;
        switch (methodOf(h)) {
            case SFORM:
                m = new double[][] { h.srowX(), h.srowY(), h.srowZ(), { 0, 0, 0, 1 } };
                break;
            case QFORM:
                m = qform(h).toAffine();
                break;
            default:
                m = new double[4][4];
                for (int i = 0; i < 3; i++) {
                    m[i][i] = voxelSize(h.pixdim()[i + 1]);
                }
                m[3][3] = 1;
                break;
        }
        double unit = toMillimetres(h.spatialUnits());
        if (unit != 1) {
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 4; c++) {
                    m[r][c] *= unit;
                }
            }
        }
        return m;
    }

    /** The header's qform fields as a {@link Qform} (voxel sizes cleaned, qfac = sign of pixdim[0], 0 meaning 1). */
    public static Qform qform(NiftiHeader h) {
        double[] p = h.pixdim();
        double qfac = p[0] < 0 ? -1 : 1;
        return new Qform(h.quaternB(), h.quaternC(), h.quaternD(), qfac, voxelSize(p[1]), voxelSize(p[2]),
                voxelSize(p[3]), h.qoffsetX(), h.qoffsetY(), h.qoffsetZ());
    }

    /** Factor from the spatial unit code to millimetres: metre 1000, micron 0.001, unknown or mm 1. */
    public static double toMillimetres(int spatialUnitCode) {
        switch (spatialUnitCode) {
            case 1: return 1000.0;
            case 3: return 0.001;
            default: return 1.0;
        }
    }

    /** A usable voxel size: the magnitude of a finite non-zero pixdim, else 1. */
    static double voxelSize(double pixdim) {
        return Double.isFinite(pixdim) && pixdim != 0 ? Math.abs(pixdim) : 1.0;
    }

    private static boolean finite(double[] v) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return true;
    }
}
