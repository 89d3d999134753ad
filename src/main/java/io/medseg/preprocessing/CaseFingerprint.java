package io.medseg.preprocessing;

/**
 * One training case as the planner sees it.
 *
 * @param id case id
 * @param shape spatial shape of the raw image
 * @param spacing voxel spacing (mm) per axis
 * @param croppedShape spatial shape after cropping to the non-zero region
 */
public record CaseFingerprint(String id, long[] shape, double[] spacing, long[] croppedShape) {

    /** The case with one axis left out: a one-slice volume seen as the 2D image it holds. */
    CaseFingerprint withoutAxis(int axis) {
        return new CaseFingerprint(id, Slices.without(shape, axis), Slices.without(spacing, axis),
                Slices.without(croppedShape, axis));
    }
}
