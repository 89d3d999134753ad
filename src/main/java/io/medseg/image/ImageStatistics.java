package io.medseg.image;

import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/** Minimum, maximum and mean of a volume's real values over all voxels and channels; NaNs are skipped. */
public record ImageStatistics(double min, double max, double mean, long count, long nanCount) {

    public static ImageStatistics of(Volume volume) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        // Kahan summation: a 512^3 volume has 1e8 voxels, enough for plain double sums to drift in the 8th digit
        double sum = 0;
        double compensation = 0;
        long n = 0;
        long nans = 0;
        for (RealType<?> t : Views.iterable(volume.pixels())) {
            double v = t.getRealDouble();
            if (Double.isNaN(v)) {
                nans++;
                continue;
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
            double y = v - compensation;
            double s = sum + y;
            compensation = (s - sum) - y;
            sum = s;
            n++;
        }
        return n == 0 ? new ImageStatistics(Double.NaN, Double.NaN, Double.NaN, 0, nans)
                : new ImageStatistics(min, max, sum / n, n, nans);
    }
}
