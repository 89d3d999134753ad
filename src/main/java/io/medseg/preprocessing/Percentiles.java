package io.medseg.preprocessing;

/**
 * Percentiles as numpy's default ({@code np.percentile}, linear interpolation between the two nearest ranks), so the
 * planner's medians and the fingerprint's 0.5/99.5 percentiles match nnU-Net's numbers for the same values.
 */
final class Percentiles {
    private Percentiles() {
    }

    /** The {@code p}-th percentile (0..100) of values sorted ascending; not empty. */
    static double ofSorted(double[] sorted, double p) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("percentile of no values");
        }
        double pos = p / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double frac = pos - lo;
        return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
    }

    /** The {@code p}-th percentile of values in any order (they are copied and sorted). */
    static double of(double[] values, double p) {
        double[] s = values.clone();
        java.util.Arrays.sort(s);
        return ofSorted(s, p);
    }
}
