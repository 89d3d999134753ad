package io.medseg.training;

/**
 * Where a training run is after one iteration, for progress displays.
 *
 * @param epoch              current epoch, from 0
 * @param epochs             planned epochs
 * @param iteration          iteration within the epoch just finished, from 1
 * @param iterationsPerEpoch planned iterations per epoch
 * @param globalIteration    iterations finished in the whole run (including those before a resume)
 * @param totalIterations    planned iterations of the whole run
 * @param loss               loss of the iteration just finished
 * @param learningRate       current rate
 * @param etaSeconds         estimated seconds until the run ends (NaN while unknown)
 */
public record TrainingProgress(int epoch, int epochs, int iteration, int iterationsPerEpoch, long globalIteration,
        long totalIterations, double loss, double learningRate, double etaSeconds) {
}
