package io.medseg.preprocessing.sampling;

/**
 * One training batch: images B × C × patch and labels B × patch, each sample flattened like {@link Patch}.
 *
 * @param index position of the batch in the loader's sequence
 * @param forced per sample, whether it was forced onto foreground
 */
public record Batch(long index, int size, int channels, int[] patchShape, float[] images, short[] labels,
        boolean[] forced) {

    public int patchVoxels() {
        return Grid.voxels(patchShape);
    }
}
