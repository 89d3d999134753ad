package io.medseg.training;

/**
 * nnU-Net's PolyLRScheduler: lr = lr0 · (1 − epoch/epochs)^exponent, exponent 0.9, so the rate falls smoothly to
 * (almost) zero at the last epoch without a separate decay milestone to tune.
 */
public record PolyLr(double initialLearningRate, int epochs, double exponent) implements LearningRateSchedule {
    public static final double DEFAULT_EXPONENT = 0.9;

    public PolyLr(double initialLearningRate, int epochs) {
        this(initialLearningRate, epochs, DEFAULT_EXPONENT);
    }

    public PolyLr {
        if (epochs <= 0) {
            throw new IllegalArgumentException("epochs must be positive");
        }
    }

    @Override
    public double learningRate(int epoch) {
        int e = Math.min(Math.max(epoch, 0), epochs);
        return initialLearningRate * Math.pow(1 - (double) e / epochs, exponent);
    }
}
