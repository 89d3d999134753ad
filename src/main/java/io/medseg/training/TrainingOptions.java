package io.medseg.training;

import io.medseg.nn.networks.Architecture;
import io.medseg.preprocessing.PreprocessingPlan;
import io.medseg.preprocessing.sampling.AugmentationSettings;

/**
 * A user's training choices as the train command and the Segmentation Learner node take them: overrides of the
 * architecture's published recipe (null = the recipe's or the plan's value) and the run's own settings. One place turns
 * them into {@link TrainingSettings}, so both front ends train identically.
 *
 * @param epochs               epochs, or null for the recipe's
 * @param iterations           iterations per epoch, or null for the recipe's
 * @param learningRate         initial rate, or null for the recipe's
 * @param batchSize            patches per step, or null for the plan's
 * @param validationIterations pseudo-Dice batches per epoch
 * @param patience             early-stopping patience in epochs (0 = never)
 * @param seed                 run seed
 * @param loaderThreads        augmenting loader threads
 * @param augmentation         whether to augment training patches
 * @param device               device setting (auto, cpu, gpu:N[,M])
 * @param precision            activation precision
 */
public record TrainingOptions(Integer epochs, Integer iterations, Double learningRate, Integer batchSize,
        int validationIterations, int patience, long seed, int loaderThreads, boolean augmentation, String device,
        TrainingSettings.Precision precision) {

    /** The settings for training {@code plan}'s network. */
    public TrainingSettings settings(PreprocessingPlan plan) {
        Architecture architecture = plan.network().architecture();
        TrainingRecipe recipe = TrainingRecipe.of(architecture);
        if (epochs != null) {
            recipe = recipe.withEpochs(epochs);
        }
        if (iterations != null) {
            recipe = recipe.withIterationsPerEpoch(iterations);
        }
        if (learningRate != null) {
            recipe = recipe.withLearningRate(learningRate);
        }
        AugmentationSettings aug = augmentation ? AugmentationSettings.nnUNetDefaults() : AugmentationSettings.none();
        // nnU-Net v2's planner sets batch_dice for its 2d and 3d_fullres configurations (only 3d_lowres computes the
        // Dice per sample), and the LightM-UNet and xLSTM-UNet trainers keep it: both our configurations are those
        return new TrainingSettings(recipe, batchSize != null ? batchSize : plan.batchSize(), validationIterations,
                patience, seed, loaderThreads, aug, true, device, precision);
    }
}
