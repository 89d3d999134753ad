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
}
