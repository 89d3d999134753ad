package io.medseg.preprocessing;

/**
 * How images and labels are resampled to the target spacing, nnU-Net's defaults as plain data.
 *
 * @param imageOrder interpolation order for images: 1 (linear) or 3 (cubic, nnU-Net's default)
 * @param labelMode nearest neighbour, or nnU-Net's per-label linear interpolation followed by argmax
 * @param anisotropyThreshold when max spacing / min spacing exceeds this (nnU-Net: 3), the out-of-plane axis is
 *        resampled separately with {@code outOfPlaneOrder}
 * @param outOfPlaneOrder interpolation order along the out-of-plane axis of anisotropic data (nnU-Net: 0, nearest)
 */
public record ResamplingSettings(int imageOrder, LabelResampling labelMode, double anisotropyThreshold,
        int outOfPlaneOrder) {

    /** How label maps are resampled. */
    public enum LabelResampling {
        NEAREST, LINEAR_ARGMAX
    }

    public static final ResamplingSettings NNUNET = new ResamplingSettings(3, LabelResampling.LINEAR_ARGMAX, 3.0, 0);
}
