package io.medseg.synth;

import io.medseg.image.Geometry;

/**
 * Maps voxel indices to normalised patient coordinates q, in which the phantom's anatomy is defined. q is the world
 * (RAS+) position relative to the centre of the field of view, divided per world axis by half the field of view's
 * extent along that axis, so the scanned box spans roughly [-1, 1] on each of x (right), y (anterior), z (superior).
 *
 * <p>Because q comes from the world position, the anatomy is laid out correctly in the world whatever the header's
 * orientation (LPS, axis permutations, oblique), just like a real scan; and because it is normalised, the anatomy fills
 * the field of view whatever the size and spacing. For 2D images (an axial slice) the slice's z is fixed at
 * {@code sliceZ}.
 */
final class PatientFrame {
    private final int spatialDims;
    private final double[] corner;
    private final double[][] steps;

    private PatientFrame(int spatialDims, double[] corner, double[][] steps) {
        this.spatialDims = spatialDims;
        this.corner = corner;
        this.steps = steps;
    }

    /**
     * The frame of an image with this geometry and spatial shape; {@code sliceZ} is the normalised z of a 2D slice
     * (ignored in 3D).
     */
    static PatientFrame of(Geometry geometry, int[] shape, double sliceZ) {
        int dims = geometry.spatialDims();
        double[][] a = geometry.affine();
        double[] halfExtent = new double[3];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < dims; c++) {
                halfExtent[r] += Math.abs(a[r][c]) * shape[c] / 2;
            }
        }
        if (dims == 2) {
            // a 2D slice has no extent along z; a tilted slice still moves in z, scale that like the in-plane axes
            halfExtent[2] = (halfExtent[0] + halfExtent[1]) / 2;
        }
        double[] centreIndex = new double[dims];
        for (int c = 0; c < dims; c++) {
            centreIndex[c] = (shape[c] - 1) / 2.0;
        }
        double[] centre = geometry.toWorld(centreIndex);
        double[] corner = new double[3];
        double[][] steps = new double[dims][3];
        double[] origin = geometry.origin();
        for (int r = 0; r < 3; r++) {
            corner[r] = (origin[r] - centre[r]) / halfExtent[r];
            for (int c = 0; c < dims; c++) {
                steps[c][r] = a[r][c] / halfExtent[r];
            }
        }
        if (dims == 2) {
            corner[2] += sliceZ;
        }
        return new PatientFrame(dims, corner, steps);
    }

    int spatialDims() {
        return spatialDims;
    }

    /** q of voxel (0, 0, 0). */
    double[] corner() {
        return corner.clone();
    }

    /** The change of q for one voxel step along spatial axis {@code axis}. */
    double[] step(int axis) {
        return steps[axis].clone();
    }

    /** q of a voxel index (2 or 3 entries). */
    double[] toPatient(double... index) {
        double[] q = corner.clone();
        for (int c = 0; c < spatialDims; c++) {
            for (int r = 0; r < 3; r++) {
                q[r] += steps[c][r] * index[c];
            }
        }
        return q;
    }

    /** Mean length in q of one in-plane voxel step: converts sizes given in voxels to q units. */
    double voxelSize() {
        return (norm(steps[0]) + norm(steps[1])) / 2;
    }

    /**
     * The farthest a neighbouring voxel centre (26-neighbourhood in 3D, 8 in 2D) can be from a voxel centre, in q.
     * A shape that keeps this distance from another shape's boundary cannot touch it in the voxel grid.
     */
    double neighbourReach() {
        double best = 0;
        for (int signs = 0; signs < (1 << spatialDims); signs++) {
            double[] v = new double[3];
            for (int c = 0; c < spatialDims; c++) {
                double s = ((signs >> c) & 1) == 0 ? 1 : -1;
                for (int r = 0; r < 3; r++) {
                    v[r] += s * steps[c][r];
                }
            }
            best = Math.max(best, norm(v));
        }
        return best;
    }

    private static double norm(double[] v) {
        return Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    }
}
