package io.medseg.training;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import io.medseg.Range;
import io.medseg.nn.networks.Architecture;
import io.medseg.preprocessing.PreprocessingPlan;
import io.medseg.preprocessing.sampling.AugmentationSettings;

/**
 * A user's training choices as the train command and the Segmentation Learner node take them: overrides of the
 * architecture's published recipe (null = the recipe's or the plan's value) and the run's own settings, with the one
 * set of limits both front ends check ({@link #problems}). One place turns them into {@link TrainingSettings}, so both
 * train identically.
 *
 * <p>Problems name each value by its Segmentation Learner setting key (epochs, iterations, learning_rate, batch_size,
 * val_fraction, val_iterations, patience, loader_threads, precision), passed through the caller's naming, so the
 * command line says {@code --val-fraction} and a node {@code node 'learner': setting 'val_fraction'} in front of the
 * same words.
 *
 * @param epochs               epochs, or null for the recipe's
 * @param iterations           iterations per epoch, or null for the recipe's
 * @param learningRate         initial rate, or null for the recipe's (in a short Adam run
 *                             {@link TrainingRecipe#SHORT_RUN_ADAM_RATE})
 * @param batchSize            patches per step, or null for the plan's
 * @param validationFraction   share of the cases held out for validation, {@link #VALIDATION_FRACTION}
 * @param validationIterations pseudo-Dice batches per epoch
 * @param patience             early-stopping patience in epochs (0 = never)
 * @param seed                 run seed
 * @param loaderThreads        augmenting loader threads
 * @param augmentation         whether to augment training patches
 * @param device               device setting (auto, cpu, gpu:N[,M])
 * @param precision            activation precision: auto, fp32 or bf16 (any case)
 */
public record TrainingOptions(Integer epochs, Integer iterations, Double learningRate, Integer batchSize,
        double validationFraction, int validationIterations, int patience, long seed, int loaderThreads,
        boolean augmentation, String device, String precision) {

    public static final Range EPOCHS = Range.integers(1, 1_000_000);
    public static final Range ITERATIONS = Range.integers(1, 1_000_000);
    public static final Range LEARNING_RATE = Range.positive();
    public static final Range BATCH_SIZE = Range.integers(1, 4096);
    /**
     * [0, 1): nnU-Net holds out a fifth (its 5-fold split) and users set any share below all of it. The number held
     * out is round(fraction × cases), at least 1 when the fraction is above 0 and there are two cases or more, and at
     * most cases − 1, so at least one training case always remains ({@link Trainer#split}).
     */
    public static final Range VALIDATION_FRACTION = Range.below(0, 1);
    public static final Range VALIDATION_ITERATIONS = Range.integers(0, 100_000);
    public static final Range PATIENCE = Range.integers(0, 1_000_000);
    public static final Range LOADER_THREADS = Range.integers(1, 64);
    public static final double DEFAULT_VALIDATION_FRACTION = 0.2;
    public static final int DEFAULT_VALIDATION_ITERATIONS = 50;
    public static final int DEFAULT_LOADER_THREADS = 2;
    static final String PRECISIONS = "one of auto, fp32, bf16";

    /** nnU-Net's defaults for everything, the recipe's and the plan's values, on {@code device}. */
    public static TrainingOptions defaults(String device) {
        return new TrainingOptions(null, null, null, null, DEFAULT_VALIDATION_FRACTION, DEFAULT_VALIDATION_ITERATIONS,
                0, 0, DEFAULT_LOADER_THREADS, true, device, "auto");
    }

    /**
     * Every value outside its limits, one line each, the value named through {@code name} (setting key → how the
     * user wrote it). Empty when all are valid.
     */
    public List<String> problems(UnaryOperator<String> name) {
        List<String> p = new ArrayList<>();
        EPOCHS.check(name.apply("epochs"), epochs, p);
        ITERATIONS.check(name.apply("iterations"), iterations, p);
        LEARNING_RATE.check(name.apply("learning_rate"), learningRate, p);
        BATCH_SIZE.check(name.apply("batch_size"), batchSize, p);
        VALIDATION_FRACTION.check(name.apply("val_fraction"), validationFraction, p);
        VALIDATION_ITERATIONS.check(name.apply("val_iterations"), validationIterations, p);
        PATIENCE.check(name.apply("patience"), patience, p);
        LOADER_THREADS.check(name.apply("loader_threads"), loaderThreads, p);
        TrainingSettings.Precision precision = precisionOrNull();
        if (precision == null) {
            p.add(Range.problem(name.apply("precision"), PRECISIONS, this.precision));
        } else if (precision == TrainingSettings.Precision.BF16 && "cpu".equalsIgnoreCase(device.trim())) {
            // checked here too (the trainer checks every device it gets) so configure reports it before any run
            p.add(Range.problem(name.apply("precision"), "fp32 or auto on the CPU (bf16 training is GPU only)",
                    this.precision));
        }
        return p;
    }

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
        } else if (recipe.isShortAdamRun()) {
            recipe = recipe.withLearningRate(TrainingRecipe.SHORT_RUN_ADAM_RATE);
        }
        AugmentationSettings aug = augmentation ? AugmentationSettings.nnUNetDefaults() : AugmentationSettings.none();
        // nnU-Net v2's planner sets batch_dice for its 2d and 3d_fullres configurations (only 3d_lowres computes the
        // Dice per sample), and the LightM-UNet and xLSTM-UNet trainers keep it: both our configurations are those
        return new TrainingSettings(recipe, batchSize != null ? batchSize : plan.batchSize(), validationIterations,
                patience, seed, loaderThreads, aug, true, device, precisionOrNull());
    }

    private TrainingSettings.Precision precisionOrNull() {
        for (TrainingSettings.Precision p : TrainingSettings.Precision.values()) {
            if (p.name().equalsIgnoreCase(precision.trim())) {
                return p;
            }
        }
        return null;
    }
}
