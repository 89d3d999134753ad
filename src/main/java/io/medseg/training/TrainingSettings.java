package io.medseg.training;

import io.medseg.preprocessing.sampling.AugmentationSettings;

/**
 * How to train, as plain data (stored in every checkpoint, so a resumed run continues with exactly these settings).
 *
 * @param recipe                optimiser, initial rate, weight decay, epochs, iterations per epoch, deep supervision,
 *                              gradient clipping (an architecture's preset, possibly changed by the user)
 * @param batchSize             patches per optimiser step (split across devices when training data-parallel)
 * @param validationIterations  validation batches per epoch for the pseudo-Dice (nnU-Net: 50); 0 = no per-epoch
 *                              validation (then the best checkpoint is the last one)
 * @param earlyStoppingPatience stop after this many epochs without a new best moving-average pseudo-Dice; 0 = never
 * @param seed                  fixes initialisation, data order and augmentation
 * @param loaderThreads         background threads building augmented batches
 * @param augmentation          on-the-fly augmentation of training patches
 * @param batchDice             Dice loss over the whole batch (nnU-Net does this for its 2d and 3d_fullres
 *                              configurations) instead of per sample
 * @param device                device setting: auto, cpu, gpu:N or gpu:N,M,... (see {@link io.medseg.engine.Devices})
 * @param precision             arithmetic of the forward and backward passes
 */
public record TrainingSettings(TrainingRecipe recipe, int batchSize, int validationIterations,
        int earlyStoppingPatience, long seed, int loaderThreads, AugmentationSettings augmentation, boolean batchDice,
        String device, Precision precision) {

    /** Floating-point format of the network's activations. Parameters and optimiser state are always float32. */
    public enum Precision {
        /** float32 everywhere. */
        FP32,
        /**
         * bfloat16 activations and weights copies with float32 master weights (no loss scaling needed thanks to
         * bfloat16's float32 exponent range); selective scans and mLSTM cells still run in float32.
         */
        BF16,
        /** BF16 on GPUs that compute it natively (compute capability 8.0 or newer), FP32 otherwise. */
        AUTO
    }

    public TrainingSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (validationIterations < 0 || earlyStoppingPatience < 0 || loaderThreads < 1) {
            throw new IllegalArgumentException("validation iterations and patience must be >= 0, loader threads >= 1");
        }
        if (recipe.epochs() < 1 || recipe.iterationsPerEpoch() < 1) {
            throw new IllegalArgumentException("epochs and iterations per epoch must be >= 1");
        }
    }

    /** These settings on other devices (the one thing a resumed run may change). */
    public TrainingSettings withDevice(String newDevice) {
        return new TrainingSettings(recipe, batchSize, validationIterations, earlyStoppingPatience, seed, loaderThreads,
                augmentation, batchDice, newDevice, precision);
    }

    /** Total optimiser steps of the run. */
    public long totalIterations() {
        return (long) recipe.epochs() * recipe.iterationsPerEpoch();
    }
}
