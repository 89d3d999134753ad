package io.medseg.evaluation;

/**
 * The scores of one label in one case. Distances in mm, volumes in mm^3 (mm^2 for 2D images and one-slice volumes).
 * NaN means undefined (see {@link EmptyMaskConvention}); +infinity is a distance to a surface that does not exist.
 *
 * @param volumeDiff        predicted minus reference volume
 * @param relativeVolumeDiff (predicted - reference) / reference volume
 */
public record LabelMetrics(int label, double dice, double iou, double hd95, double assd, double nsd, double predVolume,
        double refVolume, double volumeDiff, double relativeVolumeDiff) {

    /**
     * The metric names in column order: the CSV columns, the keys of the JSON case rows and the metric names of the
     * summary. Units are not in the names: distances (hd95, assd) are in mm, volumes in mm^3 (mm^2 for 2D images).
     */
    public static final String[] NAMES = { "dice", "iou", "hd95", "assd", "nsd", "volume_pred", "volume_ref",
            "volume_diff", "volume_diff_rel" };

    /** The metric values in the order of {@link #NAMES}. */
    public double[] values() {
        return new double[] { dice, iou, hd95, assd, nsd, predVolume, refVolume, volumeDiff, relativeVolumeDiff };
    }
}
