package io.medseg.preprocessing;

/**
 * One channel's normalisation as plain data: the scheme and, for CT, the dataset's foreground statistics it uses.
 *
 * @param scheme the scheme
 * @param mean foreground mean (CT)
 * @param std foreground standard deviation (CT)
 * @param lower clipping bound, the foreground 0.5 percentile (CT)
 * @param upper clipping bound, the foreground 99.5 percentile (CT)
 */
public record ChannelNormalization(NormalizationScheme scheme, double mean, double std, double lower, double upper) {

    public static ChannelNormalization zscore() {
        return new ChannelNormalization(NormalizationScheme.ZSCORE, 0, 1, Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY);
    }

    public static ChannelNormalization none() {
        return new ChannelNormalization(NormalizationScheme.NONE, 0, 1, Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY);
    }
}
