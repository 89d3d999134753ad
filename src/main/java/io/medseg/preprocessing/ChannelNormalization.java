package io.medseg.preprocessing;

/**
 * One channel's normalisation as plain data: the scheme, for CT the dataset's foreground statistics it uses, and
 * whether a z-score takes its statistics from the non-zero mask only (nnU-Net's {@code use_mask_for_norm}).
 *
 * @param scheme the scheme
 * @param mean foreground mean (CT)
 * @param std foreground standard deviation (CT)
 * @param lower clipping bound, the foreground 0.5 percentile (CT)
 * @param upper clipping bound, the foreground 99.5 percentile (CT)
 * @param useMaskForNorm z-score statistics from the non-zero mask of the cropped case, with every voxel outside the
 *        mask set to 0 (and kept at 0 through augmentation); only for {@link NormalizationScheme#ZSCORE}, whose
 *        values outside the mask are 0 then, as nnU-Net allows it only for schemes that leave them at zero
 */
public record ChannelNormalization(NormalizationScheme scheme, double mean, double std, double lower, double upper,
        boolean useMaskForNorm) {

    public ChannelNormalization {
        if (useMaskForNorm && scheme != NormalizationScheme.ZSCORE) {
            throw new IllegalArgumentException("normalization: useMaskForNorm is only for ZSCORE channels, not "
                    + scheme);
        }
    }

    /** Per-image z-score over the whole (cropped) image. */
    public static ChannelNormalization zscore() {
        return zscore(false);
    }

    /** Per-image z-score, with its statistics from the non-zero mask when {@code useMaskForNorm}. */
    public static ChannelNormalization zscore(boolean useMaskForNorm) {
        return new ChannelNormalization(NormalizationScheme.ZSCORE, 0, 1, Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY, useMaskForNorm);
    }

    /** CT: clip to [lower, upper], subtract the dataset's foreground mean, divide by its standard deviation. */
    public static ChannelNormalization ct(double mean, double std, double lower, double upper) {
        return new ChannelNormalization(NormalizationScheme.CT, mean, std, lower, upper, false);
    }

    public static ChannelNormalization none() {
        return new ChannelNormalization(NormalizationScheme.NONE, 0, 1, Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY, false);
    }

    /** One line for a model's metadata, e.g. "CT mean 100 std 50 clip [-1000, 1000]". */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%s mean %.6g std %.6g clip [%.6g, %.6g]", scheme, mean, std, lower,
                upper);
    }
}
