package io.medseg.preprocessing.sampling;

/**
 * Probabilities and parameter ranges of every augmentation, per sample. {@link #nnUNetDefaults()} gives nnU-Net v2's
 * training defaults; {@link #builder()} starts from them, so a test or plan changes only what it needs.
 *
 * <p>Spatial: rotation (each axis in 3D, in-plane in 2D, uniform in ±{@code maxRotationDegrees}), isotropic scaling
 * (coordinates multiplied by the factor, so below 1 zooms in), elastic deformation (displacement = Gaussian-smoothed
 * uniform noise × alpha, off by default as in nnU-Net), mirroring (each axis independently). Intensity: Gaussian noise
 * (standard deviation drawn from {@code noiseStd}; batchgenerators calls this range "variance" but draws the σ from it,
 * which is what we reproduce), Gaussian blur, multiplicative brightness, contrast (around the mean, range kept),
 * low-resolution simulation, gamma (plus an inverted gamma), each with its probability per sample.
 */
public record AugmentationSettings(
        double rotationProbability, double maxRotationDegrees,
        double scalingProbability, Range scale,
        double elasticProbability, Range elasticAlpha, Range elasticSigma,
        double mirrorProbability,
        double noiseProbability, Range noiseStd,
        double blurProbability, double blurPerChannelProbability, Range blurSigma,
        double brightnessProbability, Range brightness,
        double contrastProbability, Range contrast,
        double lowResolutionProbability, double lowResolutionPerChannelProbability, Range lowResolutionZoom,
        double invertedGammaProbability, double gammaProbability, Range gamma, boolean gammaRetainStats) {

    /** A closed interval [min, max]. */
    public record Range(double min, double max) {
        public Range {
            if (!(min <= max)) {
                throw new IllegalArgumentException("range min must be <= max, got [" + min + ", " + max + "]");
            }
        }

        double draw(java.util.SplittableRandom r) {
            return min == max ? min : min + (max - min) * r.nextDouble();
        }
    }

    public AugmentationSettings {
        for (double p : new double[] { rotationProbability, scalingProbability, elasticProbability, mirrorProbability,
                noiseProbability, blurProbability, blurPerChannelProbability, brightnessProbability,
                contrastProbability, lowResolutionProbability, lowResolutionPerChannelProbability,
                invertedGammaProbability, gammaProbability }) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("probabilities must be in [0, 1], got " + p);
            }
        }
        if (scale.min() <= 0 || lowResolutionZoom.min() <= 0 || lowResolutionZoom.max() > 1 || gamma.min() <= 0
                || noiseStd.min() < 0 || blurSigma.min() < 0 || elasticSigma.min() <= 0) {
            throw new IllegalArgumentException("scale, zoom, gamma and elastic sigma must be positive, zoom <= 1, "
                    + "noise and blur non-negative");
        }
    }

    /**
     * nnU-Net v2 (nnUNetTrainer.get_training_transforms): rotation and scaling each with p 0.2, ±30°, scale 0.7–1.4,
     * no elastic deformation, noise p 0.1, blur p 0.2 (σ 0.5–1, each channel with p 0.5), brightness ×0.75–1.25 p
     * 0.15, contrast 0.75–1.25 p 0.15, low resolution p 0.25 (zoom 0.5–1, each channel with p 0.5), inverted gamma p
     * 0.1 and gamma p 0.3 (0.7–1.5, statistics kept), mirroring p 0.5 per axis.
     */
    public static AugmentationSettings nnUNetDefaults() {
        return new AugmentationSettings(0.2, 30, 0.2, new Range(0.7, 1.4), 0, new Range(0, 200), new Range(9, 13),
                0.5, 0.1, new Range(0, 0.1), 0.2, 0.5, new Range(0.5, 1), 0.15, new Range(0.75, 1.25), 0.15,
                new Range(0.75, 1.25), 0.25, 0.5, new Range(0.5, 1), 0.1, 0.3, new Range(0.7, 1.5), true);
    }

    /** Every transform off: the augmenter then only extracts the patch. */
    public static AugmentationSettings none() {
        return builder().spatialOnly().rotation(0, 30).scaling(0, new Range(0.7, 1.4)).mirroring(0).build();
    }

    public boolean hasIntensityTransforms() {
        return noiseProbability > 0 || blurProbability > 0 || brightnessProbability > 0 || contrastProbability > 0
                || lowResolutionProbability > 0 || invertedGammaProbability > 0 || gammaProbability > 0;
    }

    public static Builder builder() {
        return new Builder(nnUNetDefaults());
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes a few settings of a starting point; the record's constructor validates the result. */
    public static final class Builder {
        private double rotationP, maxRotation, scalingP, elasticP, mirrorP, noiseP, blurP, blurChannelP, brightnessP,
                contrastP, lowResP, lowResChannelP, invGammaP, gammaP;
        private Range scale, elasticAlpha, elasticSigma, noiseStd, blurSigma, brightness, contrast, lowResZoom, gamma;
        private boolean gammaRetainStats;

        private Builder(AugmentationSettings s) {
            rotationP = s.rotationProbability;
            maxRotation = s.maxRotationDegrees;
            scalingP = s.scalingProbability;
            scale = s.scale;
            elasticP = s.elasticProbability;
            elasticAlpha = s.elasticAlpha;
            elasticSigma = s.elasticSigma;
            mirrorP = s.mirrorProbability;
            noiseP = s.noiseProbability;
            noiseStd = s.noiseStd;
            blurP = s.blurProbability;
            blurChannelP = s.blurPerChannelProbability;
            blurSigma = s.blurSigma;
            brightnessP = s.brightnessProbability;
            brightness = s.brightness;
            contrastP = s.contrastProbability;
            contrast = s.contrast;
            lowResP = s.lowResolutionProbability;
            lowResChannelP = s.lowResolutionPerChannelProbability;
            lowResZoom = s.lowResolutionZoom;
            invGammaP = s.invertedGammaProbability;
            gammaP = s.gammaProbability;
            gamma = s.gamma;
            gammaRetainStats = s.gammaRetainStats;
        }

        public Builder rotation(double p, double maxDegrees) {
            rotationP = p;
            maxRotation = maxDegrees;
            return this;
        }

        public Builder scaling(double p, Range range) {
            scalingP = p;
            scale = range;
            return this;
        }

        public Builder elastic(double p, Range alpha, Range sigma) {
            elasticP = p;
            elasticAlpha = alpha;
            elasticSigma = sigma;
            return this;
        }

        public Builder mirroring(double p) {
            mirrorP = p;
            return this;
        }

        public Builder noise(double p, Range std) {
            noiseP = p;
            noiseStd = std;
            return this;
        }

        public Builder blur(double p, double perChannel, Range sigma) {
            blurP = p;
            blurChannelP = perChannel;
            blurSigma = sigma;
            return this;
        }

        public Builder brightness(double p, Range factor) {
            brightnessP = p;
            brightness = factor;
            return this;
        }

        public Builder contrast(double p, Range factor) {
            contrastP = p;
            contrast = factor;
            return this;
        }

        public Builder lowResolution(double p, double perChannel, Range zoom) {
            lowResP = p;
            lowResChannelP = perChannel;
            lowResZoom = zoom;
            return this;
        }

        public Builder gamma(double invertedP, double p, Range range, boolean retainStats) {
            invGammaP = invertedP;
            gammaP = p;
            gamma = range;
            gammaRetainStats = retainStats;
            return this;
        }

        /** Turns every intensity transform off (spatial ones unchanged). */
        public Builder spatialOnly() {
            noiseP = blurP = brightnessP = contrastP = lowResP = invGammaP = gammaP = 0;
            return this;
        }

        public AugmentationSettings build() {
            return new AugmentationSettings(rotationP, maxRotation, scalingP, scale, elasticP, elasticAlpha,
                    elasticSigma, mirrorP, noiseP, noiseStd, blurP, blurChannelP, blurSigma, brightnessP, brightness,
                    contrastP, contrast, lowResP, lowResChannelP, lowResZoom, invGammaP, gammaP, gamma,
                    gammaRetainStats);
        }
    }
}
