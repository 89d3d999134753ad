package io.medseg.preprocessing;

/**
 * Intensity normalisation of one channel, in place, with nnU-Net's schemes.
 *
 * <ul>
 * <li>{@link NormalizationScheme#CT}: clip to the dataset's foreground [0.5, 99.5] percentiles, then subtract the
 * dataset's foreground mean and divide by its standard deviation (at least 1e-8). The statistics come from the plan,
 * so every case of a dataset gets the same mapping and HU stay comparable between cases.</li>
 * <li>{@link NormalizationScheme#ZSCORE}: per image, mean 0 and standard deviation 1 (population statistics, numpy's
 * default). With {@link ChannelNormalization#useMaskForNorm()} the statistics come from the non-zero mask of the
 * cropped case only and voxels outside it are set to 0; otherwise from the whole cropped image, whose zero surround
 * then becomes a distinct low value. The planner asks for the mask as nnU-Net does, only when cropping shrank the
 * median case by more than a quarter: on a mostly-object crop the surround's own value tells the network where the
 * object ends, while with a large zero surround the statistics would describe the surround.</li>
 * <li>{@link NormalizationScheme#NONE}: unchanged.</li>
 * </ul>
 */
public final class Normalizer {
    /** Smallest standard deviation divided by, so constant images do not blow up. */
    public static final double MIN_STD = 1e-8;

    private Normalizer() {
    }

    /**
     * Normalises {@code data[offset, offset + length)}.
     *
     * @param mask the case's non-zero mask (indexed from 0 for this channel), or null when the case was not cropped
     *        to it; a z-score with {@code useMaskForNorm} takes its statistics from it
     */
    public static void normalize(float[] data, int offset, int length, ChannelNormalization norm, boolean[] mask) {
        switch (norm.scheme()) {
            case NONE -> {
            }
            case CT -> {
                double scale = 1.0 / Math.max(norm.std(), MIN_STD);
                for (int v = offset; v < offset + length; v++) {
                    double x = Math.min(norm.upper(), Math.max(norm.lower(), data[v]));
                    data[v] = (float) ((x - norm.mean()) * scale);
                }
            }
            case ZSCORE -> {
                if (norm.useMaskForNorm() && mask == null) {
                    throw new IllegalArgumentException("a z-score within the non-zero mask needs the case cropped to it"
                            + " (cropToNonzero)");
                }
                zscore(data, offset, length, norm.useMaskForNorm() ? mask : null);
            }
        }
    }

    private static void zscore(float[] data, int offset, int length, boolean[] mask) {
        // two passes in double: exact enough for millions of voxels, unlike a float running sum
        double sum = 0;
        long count = 0;
        for (int v = 0; v < length; v++) {
            if (mask == null || mask[v]) {
                sum += data[offset + v];
                count++;
            }
        }
        if (count == 0) {
            return;
        }
        double mean = sum / count;
        double sq = 0;
        for (int v = 0; v < length; v++) {
            if (mask == null || mask[v]) {
                double d = data[offset + v] - mean;
                sq += d * d;
            }
        }
        double scale = 1.0 / Math.max(Math.sqrt(sq / count), MIN_STD);
        for (int v = 0; v < length; v++) {
            data[offset + v] = mask == null || mask[v] ? (float) ((data[offset + v] - mean) * scale) : 0f;
        }
    }
}
