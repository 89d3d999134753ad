package io.medseg.inference;

import io.medseg.MedSegException;

/**
 * How a sliding window predicts.
 *
 * @param overlap fraction of a patch that neighbouring tiles share, in [0, 1); nnU-Net uses 0.5 (tile step = half a
 *        patch). More overlap means more tiles (about (1 / (1 − overlap))^dims times as many as without) and smoother
 *        seams.
 * @param mirroring test-time augmentation: every tile is also predicted mirrored along every combination of its
 *        spatial axes (2^dims forward passes per tile, 4 in 2D, 8 in 3D) and the probabilities are averaged
 * @param tileBatch tiles per forward pass. Larger batches use the device better but hold that many tiles'
 *        activations at once (peak device memory grows about linearly with it); the result does not depend on it,
 *        since the networks normalise per sample. 4 suits a GPU at the planned patch size; 1 minimises memory.
 */
public record SlidingWindowSettings(double overlap, boolean mirroring, int tileBatch) {
    public static final double DEFAULT_OVERLAP = 0.5;
    public static final int DEFAULT_TILE_BATCH = 4;

    public SlidingWindowSettings {
        if (!(overlap >= 0 && overlap < 1)) {
            throw new MedSegException("--overlap " + overlap + ": must be at least 0 and below 1 (fraction of a patch"
                    + " shared by neighbouring tiles; nnU-Net uses 0.5)");
        }
        if (tileBatch < 1) {
            throw new MedSegException("--tile-batch " + tileBatch + ": must be at least 1");
        }
    }

    /** nnU-Net's defaults: overlap 0.5, no mirroring, {@value #DEFAULT_TILE_BATCH} tiles per pass. */
    public static SlidingWindowSettings defaults() {
        return new SlidingWindowSettings(DEFAULT_OVERLAP, false, DEFAULT_TILE_BATCH);
    }
}
