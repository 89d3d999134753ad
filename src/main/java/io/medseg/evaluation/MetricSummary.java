package io.medseg.evaluation;

import java.util.Arrays;

/**
 * Mean, standard deviation, median and count of one metric over cases, ignoring NaN values (undefined scores). The
 * standard deviation is the population one (divide by n, numpy's default). Infinite values are kept: a mean over a case
 * with an infinite HD95 is infinite, and its std NaN, which is the honest answer; the median stays finite while fewer
 * than half the cases are infinite.
 */
public record MetricSummary(double mean, double std, double median, int n) {

    public static MetricSummary of(double[] values) {
        double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
        int n = v.length;
        if (n == 0) {
            return new MetricSummary(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        double mean = sum / n;
        double sq = 0;
        for (double x : v) {
            sq += (x - mean) * (x - mean);
        }
        double median = n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
        return new MetricSummary(mean, Math.sqrt(sq / n), median, n);
    }
}
