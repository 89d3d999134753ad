package io.medseg.training;

/**
 * Cosine annealing from lr0 to lrMin over the epochs after an optional linear warm-up: during warm-up epoch e
 * (0 ≤ e < W) lr = lr0·(e+1)/W, so the first epoch already trains; afterwards
 * lr = lrMin + (lr0 − lrMin)·(1 + cos(π·(e − W)/(E − W)))/2.
 */
public record CosineLr(double initialLearningRate, double minLearningRate, int epochs, int warmupEpochs)
        implements LearningRateSchedule {
    public CosineLr {
        if (epochs <= 0 || warmupEpochs < 0 || warmupEpochs >= epochs) {
            throw new IllegalArgumentException("need 0 <= warm-up < epochs, epochs > 0");
        }
    }

    /** Plain cosine to zero, no warm-up. */
    public CosineLr(double initialLearningRate, int epochs) {
        this(initialLearningRate, 0, epochs, 0);
    }

    @Override
    public double learningRate(int epoch) {
        if (epoch < warmupEpochs) {
            return initialLearningRate * (Math.max(epoch, 0) + 1) / warmupEpochs;
        }
        double t = Math.min(epoch - warmupEpochs, epochs - warmupEpochs) / (double) (epochs - warmupEpochs);
        return minLearningRate + (initialLearningRate - minLearningRate) * (1 + Math.cos(Math.PI * t)) / 2;
    }
}
