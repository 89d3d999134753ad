package io.medseg.synth;

import io.medseg.image.Geometry;

/**
 * Draws a plausible scanner geometry for a synthetic case: CT-like spacing (fine in-plane, thick slices in 3D), one of
 * the orientations found in real NIfTI files (RAS, LPS, LAS, head-first slice order, swapped in-plane axes and, in 3D,
 * coronal or sagittal stacks), sometimes tilted by a few degrees, and a table position as origin. Readers and
 * resamplers that ignore the header's orientation produce visibly wrong results on such data.
 */
final class ScanGeometrySampler {
    /** Direction cosines (columns = world direction of voxel axes i, j, k) and how often they occur. */
    private static final double[][][] ORIENTATIONS = {
        { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }, // RAS
        { { -1, 0, 0 }, { 0, -1, 0 }, { 0, 0, 1 } }, // LPS (DICOM patient coordinates)
        { { -1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }, // LAS (typical dcm2niix output)
        { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, -1 } }, // RAI: slices stored head to feet
        { { 0, 1, 0 }, { 1, 0, 0 }, { 0, 0, -1 } }, // in-plane axes swapped: i runs anterior, j right
        { { 1, 0, 0 }, { 0, 0, 1 }, { 0, -1, 0 } }, // coronal stack: k runs anterior (3D only)
        { { 0, 0, 1 }, { 1, 0, 0 }, { 0, -1, 0 } }, // sagittal stack: k runs right (3D only)
    };
    private static final double[] WEIGHTS_3D = { 3, 3, 3, 1, 1, 1, 1 };
    /** 2D phantoms are axial slices, so only orientations whose first two axes lie in the axial plane. */
    private static final double[] WEIGHTS_2D = { 3, 3, 3, 1, 1, 0, 0 };

    private ScanGeometrySampler() {
    }

    static Geometry sample(CaseRandom rnd, int[] shape) {
        int dims = shape.length;
        double[] spacing;
        if (dims == 3) {
            double inPlane = round(rnd.uniform(0.6, 1.0), 4);
            double slice = Math.round(rnd.uniform(1.5, 3.0) * 4) / 4.0;
            spacing = new double[] { inPlane, inPlane, slice };
        } else {
            double si = round(rnd.uniform(0.5, 1.2), 4);
            // most 2D images have square pixels; some do not, which resizing code must respect
            double sj = rnd.chance(0.7) ? si : round(si * rnd.uniform(0.85, 1.15), 4);
            spacing = new double[] { si, sj };
        }
        double[][] direction = ORIENTATIONS[rnd.weighted(dims == 3 ? WEIGHTS_3D : WEIGHTS_2D)];
        if (rnd.chance(0.35)) {
            double[] axis = dims == 3 ? rnd.unitVector() : new double[] { 0, 0, 1 };
            double angle = Math.toRadians(rnd.signedUniform(2, 10));
            direction = Rotation.multiply(Rotation.about(axis, angle), direction);
        }
        // a plausible table position for the centre of the field of view
        double[] centre = { rnd.uniform(-30, 30), rnd.uniform(-60, 20), rnd.uniform(-600, -100) };
        double[] origin = centre.clone();
        for (int c = 0; c < dims; c++) {
            double half = spacing[c] * (shape[c] - 1) / 2.0;
            for (int r = 0; r < 3; r++) {
                origin[r] -= direction[r][c] * half;
            }
        }
        for (int r = 0; r < 3; r++) {
            origin[r] = round(origin[r], 3);
        }
        return Geometry.of(spacing, origin, direction);
    }

    /** Rounds to {@code decimals} places, as values typed into a scanner console would be. */
    private static double round(double v, int decimals) {
        double scale = Math.pow(10, decimals);
        // dividing by an exact power of ten gives the double nearest the decimal, unlike multiplying by 1e-4
        return Math.round(v * scale) / scale;
    }
}
