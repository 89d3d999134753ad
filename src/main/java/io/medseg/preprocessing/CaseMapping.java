package io.medseg.preprocessing;

import io.medseg.image.Geometry;

/**
 * What maps a preprocessed case back to its original image space: the original grid and geometry, the crop box in
 * original voxels, and the shape the cropped region had after resampling. A prediction on the preprocessed grid is
 * resampled to {@code cropBox.shape()}, pasted into a background-filled array of {@code originalShape} at the crop
 * box, and written with {@code originalGeometry}.
 *
 * @param originalShape spatial shape of the raw image
 * @param originalGeometry the raw image's geometry (written back with predictions)
 * @param cropBox the non-zero region (or the whole image) in original voxels
 * @param resampledShape spatial shape after resampling the cropped region to the target spacing
 */
public record CaseMapping(long[] originalShape, Geometry originalGeometry, CropBox cropBox, long[] resampledShape) {
}
