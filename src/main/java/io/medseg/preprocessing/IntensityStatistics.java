package io.medseg.preprocessing;

/**
 * Intensity statistics of one channel over the foreground (label > 0) voxels of all training cases, as nnU-Net's
 * fingerprint collects them for CT normalisation.
 */
public record IntensityStatistics(double mean, double std, double median, double percentile00_5,
        double percentile99_5, double min, double max) {
}
