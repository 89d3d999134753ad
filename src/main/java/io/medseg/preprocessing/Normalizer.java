package io.medseg.preprocessing;

/**
 * Intensity normalisation of one channel, in place, with nnU-Net's schemes.
 *
 * <ul>
 * <li>{@link NormalizationScheme#CT}: clip to the dataset's foreground [0.5, 99.5] percentiles, then subtract the
 * dataset's foreground mean and divide by its standard deviation (at least 1e-8). The statistics come from the plan,
 * so every case of a dataset gets the same mapping and HU stay comparable between cases.</li>
 * <li>{@link NormalizationScheme#ZSCORE}: per image, mean 0 and standard deviation 1 (population statistics, numpy's
 * default). With a mask (we pass the non-zero mask whenever the case was cropped to it) the statistics come from
 * the mask only and voxels outside are set to 0; otherwise from the whole image. nnU-Net uses the mask only when
 * cropping shrank the dataset's images by at least a quarter (typical of skull-stripped MR, where the zero
 * background would otherwise dominate the statistics). Using it whenever we crop is simpler and no worse: outside the
 * mask every channel is 0 by construction, so only the statistics differ, and they then describe the object.</li>
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
     * @param mask voxels the z-score statistics come from (indexed from 0 for this channel), or null for all
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
            case ZSCORE -> zscore(data, offset, length, mask);
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
