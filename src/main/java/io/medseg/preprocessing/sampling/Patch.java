package io.medseg.preprocessing.sampling;

/**
 * One training sample: image channels × voxels and the label map, flattened like
 * {@link io.medseg.preprocessing.PreprocessedCase} (first spatial axis fastest). In a patch as extracted, label −1
 * marks voxels outside the case (padding) or outside its non-zero region; an {@link Augmenter}'s patches have them as
 * background (0), the training target there.
 *
 * @param shape spatial shape of the patch (2 or 3 axes)
 */
public record Patch(int channels, int[] shape, float[] image, short[] label) {
    public int voxels() {
        int v = 1;
        for (int s : shape) {
            v *= s;
        }
        return v;
    }
}
