package io.medseg.preprocessing;

import java.util.Arrays;

/**
 * Foreground intensities of one channel pooled over the training cases, and their statistics as nnU-Net's
 * fingerprint reports them (mean, population std, median, 0.5/99.5 percentiles, min, max of the pooled samples).
 */
final class ForegroundSample {
    private double[] values = new double[1024];
    private int size;

    void add(double v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }

    int size() {
        return size;
    }

    IntensityStatistics statistics() {
        if (size == 0) {
            throw new IllegalStateException("no foreground samples");
        }
        double[] s = Arrays.copyOf(values, size);
        Arrays.sort(s);
        double sum = 0;
        for (double v : s) {
            sum += v;
        }
        double mean = sum / size;
        double sq = 0;
        for (double v : s) {
            sq += (v - mean) * (v - mean);
        }
        return new IntensityStatistics(mean, Math.sqrt(sq / size), Percentiles.ofSorted(s, 50),
                Percentiles.ofSorted(s, 0.5), Percentiles.ofSorted(s, 99.5), s[0], s[size - 1]);
    }
}
