package io.medseg.preprocessing;

/** How a channel's intensities are normalised, as nnU-Net chooses per channel name. */
public enum NormalizationScheme {
    /**
     * CT (Hounsfield units): clip to the dataset's foreground 0.5 and 99.5 percentiles, then z-score with the
     * dataset's foreground mean and standard deviation. Chosen for channels named "CT".
     */
    CT,
    /** Per-image z-score over the image (or its non-zero region when cropped to it): MR and everything else. */
    ZSCORE,
    /** Values are used as they are. */
    NONE;

    /** nnU-Net's rule: "CT" (any case) gets CT normalisation, every other channel name per-image z-score. */
    public static NormalizationScheme forChannelName(String name) {
        return name != null && name.trim().equalsIgnoreCase("CT") ? CT : ZSCORE;
    }
}
