package io.medseg.preprocessing.sampling;

/**
 * One training sample: image channels × voxels and the label map, flattened like
 * {@link io.medseg.preprocessing.PreprocessedCase} (first spatial axis fastest). Label −1 marks voxels outside the
 * case (padding) that the loss ignores.
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
