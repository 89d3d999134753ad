package io.medseg.model;

import java.util.LinkedHashMap;
import java.util.Map;

import io.medseg.postprocessing.Postprocessing;
import io.medseg.preprocessing.PreprocessingPlan;

/**
 * What a trained model needs besides its weights to be used on new images, as plain data.
 *
 * @param labels label name → value, including background (e.g. background 0, organ 1, lesion 2)
 * @param channelNames input channel index → name (e.g. "0" → "CT")
 * @param patchSize the training patch size (voxels per axis)
 * @param normalisation how intensities were normalised (scheme and its statistics), as strings
 * @param versions versions of MedSeg, DJL, PyTorch and the device used for training
 * @param notes anything else worth keeping (training command, dataset name), as strings
 * @param plan the preprocessing plan the model was trained with, applied unchanged to new images at prediction; null
 *        for a bare network that was not trained by MedSeg
 * @param postprocessing what prediction applies to the argmax, as decided on the held-out validation cases;
 *        {@link Postprocessing#NONE} until then (and in model files written before MedSeg decided it)
 * @param mirroringAxes the patch axes test-time mirroring may flip (an imported nnU-Net checkpoint's
 *        inference_allowed_mirroring_axes, in the patch's axis order); null for all
 */
public record ModelMetadata(Map<String, Integer> labels, Map<String, String> channelNames, long[] patchSize,
        Map<String, String> normalisation, Map<String, String> versions, Map<String, String> notes,
        PreprocessingPlan plan, Postprocessing postprocessing, int[] mirroringAxes) {

    /** Metadata whose mirroring may flip every axis. */
    public ModelMetadata(Map<String, Integer> labels, Map<String, String> channelNames, long[] patchSize,
            Map<String, String> normalisation, Map<String, String> versions, Map<String, String> notes,
            PreprocessingPlan plan, Postprocessing postprocessing) {
        this(labels, channelNames, patchSize, normalisation, versions, notes, plan, postprocessing, null);
    }

    public ModelMetadata {
        labels = copy(labels);
        channelNames = copy(channelNames);
        patchSize = patchSize == null ? new long[0] : patchSize.clone();
        normalisation = copy(normalisation);
        versions = copy(versions);
        notes = copy(notes);
        postprocessing = postprocessing == null ? Postprocessing.NONE : postprocessing;
        mirroringAxes = mirroringAxes == null ? null : mirroringAxes.clone();
    }

    /** Metadata of a trained model before its postprocessing is decided. */
    public ModelMetadata(Map<String, Integer> labels, Map<String, String> channelNames, long[] patchSize,
            Map<String, String> normalisation, Map<String, String> versions, Map<String, String> notes,
            PreprocessingPlan plan) {
        this(labels, channelNames, patchSize, normalisation, versions, notes, plan, Postprocessing.NONE);
    }

    /** Metadata without a plan (a network saved outside training). */
    public ModelMetadata(Map<String, Integer> labels, Map<String, String> channelNames, long[] patchSize,
            Map<String, String> normalisation, Map<String, String> versions, Map<String, String> notes) {
        this(labels, channelNames, patchSize, normalisation, versions, notes, null, Postprocessing.NONE);
    }

    /** The same metadata with another postprocessing. */
    public ModelMetadata withPostprocessing(Postprocessing p) {
        return new ModelMetadata(labels, channelNames, patchSize, normalisation, versions, notes, plan, p,
                mirroringAxes);
    }

    private static <V> Map<String, V> copy(Map<String, V> m) {
        return m == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /** The same metadata with test-time mirroring limited to {@code axes} (null: all). */
    public ModelMetadata withMirroringAxes(int[] axes) {
        return new ModelMetadata(labels, channelNames, patchSize, normalisation, versions, notes, plan, postprocessing,
                axes);
    }

    @Override
    public int[] mirroringAxes() {
        return mirroringAxes == null ? null : mirroringAxes.clone();
    }

    @Override
    public long[] patchSize() {
        return patchSize.clone();
    }
}
