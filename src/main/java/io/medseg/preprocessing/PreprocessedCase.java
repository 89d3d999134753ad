package io.medseg.preprocessing;

/**
 * A case ready for sampling: normalised float images and the label map on the target grid, flattened in
 * imglib2/NIfTI order (the first spatial axis i fastest, as in {@link io.medseg.image.Volume}): voxel (i, j, k) of
 * channel c is at ((c·K + k)·J + j)·I + i.
 *
 * @param id case id
 * @param shape spatial shape (I, J[, K])
 * @param image channels × voxels, normalised
 * @param label voxels, label values (−1 where unknown, e.g. outside the non-zero region when cropping; nnU-Net's
 *        convention), or null for cases without a label
 * @param mapping the way back to the original image
 */
public record PreprocessedCase(String id, long[] shape, float[] image, short[] label, CaseMapping mapping) {

    public int channels() {
        return (int) (image.length / voxels());
    }

    public long voxels() {
        long v = 1;
        for (long s : shape) {
            v *= s;
        }
        return v;
    }
}
