package io.medseg.inference;

/**
 * nnU-Net's Gaussian importance map ({@code compute_gaussian}): tile predictions are weighted down towards the tile's
 * border, where the network sees less context. Per axis a Gaussian with sigma = patch / 8 centred at voxel patch // 2;
 * the map is their product, scaled so the centre is 1.
 *
 * <p>Differences from nnU-Net, none of which changes a prediction: nnU-Net builds the map by Gaussian-filtering a
 * delta (scipy's kernel truncated at 4 sigma, normalised to sum 1) and scales it to a maximum of 10; here the Gaussian
 * is evaluated directly and scaled to a maximum of 1. Within 4 sigma the two differ by a constant factor only, which
 * cancels when the accumulated predictions are divided by the accumulated weights, and no voxel of a tile is farther
 * than patch / 2 = 4 sigma from the centre. For the same reason the map has no zeros (each axis contributes at least
 * exp(−8)), so nnU-Net's replacement of zeros by the smallest non-zero value is not needed.
 *
 * <p>Layout: C-order over the patch axes (last axis fastest), as a tile on the network's input.
 */
public final class GaussianImportance {
    /** sigma = patch × this, per axis (nnU-Net's {@code sigma_scale}). */
    public static final double SIGMA_SCALE = 1.0 / 8;

    private GaussianImportance() {
    }

    /** The map for a patch, {@code prod(patch)} values in C-order. */
    public static float[] map(long[] patch) {
        double[][] axes = new double[patch.length][];
        int n = 1;
        for (int a = 0; a < patch.length; a++) {
            axes[a] = profile(patch[a]);
            n = Math.multiplyExact(n, Math.toIntExact(patch[a]));
        }
        float[] map = new float[n];
        int[] at = new int[patch.length];
        for (int v = 0; v < n; v++) {
            double w = 1;
            for (int a = 0; a < patch.length; a++) {
                w *= axes[a][at[a]];
            }
            map[v] = (float) w;
            for (int a = patch.length - 1; a >= 0; a--) {
                if (++at[a] < patch[a]) {
                    break;
                }
                at[a] = 0;
            }
        }
        return map;
    }

    /** exp(−d² / 2σ²) along one axis of {@code size} voxels, d measured from voxel size // 2. */
    static double[] profile(long size) {
        double sigma = size * SIGMA_SCALE;
        long centre = size / 2;
        double[] p = new double[Math.toIntExact(size)];
        for (int i = 0; i < p.length; i++) {
            double d = i - centre;
            p[i] = Math.exp(-d * d / (2 * sigma * sigma));
        }
        return p;
    }
}
