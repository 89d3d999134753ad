package io.medseg.preprocessing.sampling;

import java.util.SplittableRandom;

import io.medseg.preprocessing.PreprocessedCase;

/**
 * Turns a (case, centre) pair into an augmented training sample: one {@link SpatialTransform} (rotation, scaling,
 * elastic, mirroring, drawn with their probabilities) reads image and label from the case together, then the intensity
 * transforms act on the image in nnU-Net's order: noise, blur, brightness, contrast, low resolution, inverted gamma,
 * gamma. Last come nnU-Net's two closing transforms: channels normalised within the non-zero mask are set back to 0
 * wherever the label is {@link io.medseg.preprocessing.NonzeroCrop#OUTSIDE} (MaskImageTransform: the intensity
 * transforms changed those zeros, and at prediction they are exactly 0), and then every such voxel, outside the
 * non-zero mask or outside the case, becomes background (RemoveLabelTansform(−1, 0)). The network is thus trained to
 * call the zero surround and the image border background, which is what prediction must output there; ignoring them
 * instead leaves the surround to chance. Stateless: all randomness comes from the generator passed in, so the result
 * depends only on it and the inputs, and one augmenter serves many threads.
 */
public final class Augmenter {
    private final AugmentationSettings settings;
    private final int[] patchShape;
    private final boolean[] maskedChannels;

    /** An augmenter for cases none of whose channels are normalised within the non-zero mask. */
    public Augmenter(AugmentationSettings settings, int[] patchShape) {
        this(settings, patchShape, new boolean[0]);
    }

    /**
     * @param maskedChannels per channel, whether it is normalised within the non-zero mask (channels beyond the array
     *        are not), see {@link io.medseg.preprocessing.PreprocessingPlan#maskedChannels()}
     */
    public Augmenter(AugmentationSettings settings, int[] patchShape, boolean[] maskedChannels) {
        Grid.three(patchShape);
        for (int p : patchShape) {
            if (p <= 0) {
                throw new IllegalArgumentException("patch sizes must be positive");
            }
        }
        this.settings = settings;
        this.patchShape = patchShape.clone();
        this.maskedChannels = maskedChannels.clone();
    }

    public int[] patchShape() {
        return patchShape.clone();
    }

    public AugmentationSettings settings() {
        return settings;
    }

    public Patch augment(PreprocessedCase c, int[] centre, SplittableRandom r) {
        // the spatial draw always consumes the same generator, whatever the intensity settings, so turning an
        // intensity transform on or off does not change the geometry of a given seed
        SplittableRandom spatialRandom = r.split();
        SplittableRandom intensityRandom = r.split();
        Patch p = SpatialTransform.draw(settings, patchShape, spatialRandom).apply(c, centre);
        intensity(p, intensityRandom);
        outsideAsBackground(p);
        return p;
    }

    /** Zeros the masked channels where the label is unknown, then makes those voxels background. */
    private void outsideAsBackground(Patch p) {
        short[] label = p.label();
        float[] img = p.image();
        int n = p.voxels();
        for (int c = 0; c < Math.min(p.channels(), maskedChannels.length); c++) {
            if (maskedChannels[c]) {
                for (int v = 0; v < n; v++) {
                    if (label[v] < 0) {
                        img[c * n + v] = 0f;
                    }
                }
            }
        }
        for (int v = 0; v < n; v++) {
            if (label[v] < 0) {
                label[v] = 0;
            }
        }
    }

    private void intensity(Patch p, SplittableRandom r) {
        AugmentationSettings s = settings;
        int n = p.voxels();
        float[] img = p.image();
        int dims = patchShape.length;
        if (r.nextDouble() < s.noiseProbability()) {
            double std = s.noiseStd().draw(r);
            for (int c = 0; c < p.channels(); c++) {
                IntensityTransforms.noise(img, c * n, n, std, r);
            }
        }
        if (r.nextDouble() < s.blurProbability()) {
            for (int c = 0; c < p.channels(); c++) {
                if (r.nextDouble() < s.blurPerChannelProbability()) {
                    double[] sigma = new double[dims];
                    for (int d = 0; d < dims; d++) { // nnU-Net draws σ per axis
                        sigma[d] = s.blurSigma().draw(r);
                    }
                    IntensityTransforms.blur(img, c * n, patchShape, sigma);
                }
            }
        }
        if (r.nextDouble() < s.brightnessProbability()) {
            double f = s.brightness().draw(r);
            for (int c = 0; c < p.channels(); c++) {
                IntensityTransforms.brightness(img, c * n, n, f);
            }
        }
        if (r.nextDouble() < s.contrastProbability()) {
            double f = s.contrast().draw(r);
            for (int c = 0; c < p.channels(); c++) {
                IntensityTransforms.contrast(img, c * n, n, f);
            }
        }
        if (r.nextDouble() < s.lowResolutionProbability()) {
            double zoom = s.lowResolutionZoom().draw(r);
            for (int c = 0; c < p.channels(); c++) {
                if (r.nextDouble() < s.lowResolutionPerChannelProbability()) {
                    IntensityTransforms.lowResolution(img, c * n, patchShape, zoom);
                }
            }
        }
        if (r.nextDouble() < s.invertedGammaProbability()) {
            gamma(p, true, r);
        }
        if (r.nextDouble() < s.gammaProbability()) {
            gamma(p, false, r);
        }
    }

    private void gamma(Patch p, boolean invert, SplittableRandom r) {
        AugmentationSettings.Range g = settings.gamma();
        // batchgenerators: half the time below 1 (if the range allows), else at or above 1
        double gamma = r.nextDouble() < 0.5 && g.min() < 1 ? new AugmentationSettings.Range(g.min(), Math.min(1, g.max())).draw(r)
                : new AugmentationSettings.Range(Math.max(1, g.min()), Math.max(1, g.max())).draw(r);
        int n = p.voxels();
        for (int c = 0; c < p.channels(); c++) {
            IntensityTransforms.gamma(p.image(), c * n, n, gamma, invert, settings.gammaRetainStats());
        }
    }
}
