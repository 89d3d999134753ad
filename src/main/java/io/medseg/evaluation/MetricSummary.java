package io.medseg.evaluation;

import java.util.Arrays;

/**
 * One metric over cases: mean, standard deviation and median of the cases where it is a finite number, how many those
 * are ({@code n}), and how many were left out because the metric is undefined there (NaN: a label absent from both
 * masks) or infinite (HD95 and ASSD when one mask is empty, the relative volume difference of a spurious structure).
 * Counting the infinite cases beside statistics of the rest says more than folding them in: a mean with one infinite
 * HD95 would be infinite and its std undefined, hiding how the other cases did, while the count keeps the failed cases
 * in view. The standard deviation is the population one (divide by n, numpy's default).
 *
 * @param undefined cases where the metric is NaN
 * @param infinite  cases where the metric is +infinity or -infinity
 */
public record MetricSummary(double mean, double std, double median, int n, int undefined, int infinite) {

    public static MetricSummary of(double[] values) {
        double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        int undefined = (int) Arrays.stream(values).filter(Double::isNaN).count();
        int infinite = (int) Arrays.stream(values).filter(Double::isInfinite).count();
        int n = v.length;
        if (n == 0) {
            return new MetricSummary(Double.NaN, Double.NaN, Double.NaN, 0, undefined, infinite);
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
        return new MetricSummary(mean, Math.sqrt(sq / n), median, n, undefined, infinite);
    }
}
