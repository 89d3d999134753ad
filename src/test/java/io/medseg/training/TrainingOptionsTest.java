package io.medseg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import io.medseg.inference.TestModels;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.Networks;
import io.medseg.preprocessing.PreprocessingPlan;

class TrainingOptionsTest {
    private static TrainingOptions defaults() {
        return new TrainingOptions(null, null, null, null, 0.2, 2, 0, 7, 1, true, "cpu", "fp32");
    }

    @Test
    void batchDiceInTwoAndThreeDimensionsAsNnUNetPlansIt() {
        for (long[] patch : new long[][] { { 32, 32 }, { 16, 16, 16 } }) {
            PreprocessingPlan plan = TestModels.plan(1, patch, new double[patch.length]);
            assertTrue(defaults().settings(plan).batchDice(), patch.length + "D");
        }
    }

    @Test
    void overridesReplaceTheRecipeAndThePlanValues() {
        PreprocessingPlan plan = TestModels.plan(1, new long[] { 32, 32 }, new double[] { 1, 1 });
        TrainingSettings s = new TrainingOptions(3, 5, 0.5, 4, 0.2, 2, 0, 7, 1, true, "cpu", "FP32").settings(plan);
        assertEquals(3, s.recipe().epochs());
        assertEquals(5, s.recipe().iterationsPerEpoch());
        assertEquals(0.5, s.recipe().learningRate(), 0);
        assertEquals(4, s.batchSize());
        assertEquals(plan.batchSize(), defaults().settings(plan).batchSize());
    }

    /** LightM-UNet's Adam at 1e-4 barely moves in a CPU-length run: short runs start at 2e-3 unless --lr says. */
    @Test
    void shortAdamRunsStartAtTheShortRunRate() {
        PreprocessingPlan residual = TestModels.plan(1, new long[] { 32, 32 }, new double[] { 1, 1 });
        PreprocessingPlan lightm = new PreprocessingPlan(2, residual.channelNames(), residual.labels(),
                residual.targetSpacing(), false, residual.normalization(), residual.resampling(), residual.patchSize(),
                2, Networks.defaultConfig(Architecture.LIGHTM_UNET, 2, 1, 3, residual.patchSize()), 1L << 30);
        TrainingOptions recipe = defaults();
        TrainingOptions shortRun = new TrainingOptions(10, 15, null, null, 0.2, 2, 0, 7, 1, true, "cpu", "fp32");
        TrainingOptions chosen = new TrainingOptions(10, 15, 3e-4, null, 0.2, 2, 0, 7, 1, true, "cpu", "fp32");
        TrainingOptions longRun = new TrainingOptions(20, 125, null, null, 0.2, 2, 0, 7, 1, true, "cpu", "fp32");
        assertEquals(1e-4, recipe.settings(lightm).recipe().learningRate(), 0); // 100 x 250: the published recipe
        assertEquals(TrainingRecipe.SHORT_RUN_ADAM_RATE, shortRun.settings(lightm).recipe().learningRate(), 0);
        assertEquals(3e-4, chosen.settings(lightm).recipe().learningRate(), 0);
        assertEquals(1e-4, longRun.settings(lightm).recipe().learningRate(), 0); // 2,500 steps: not short
        assertEquals(1e-2, shortRun.settings(residual).recipe().learningRate(), 0); // SGD keeps its rate
    }

    @Test
    void everyProblemAtOnceNamedAsTheCallerSpellsIt() {
        TrainingOptions bad = new TrainingOptions(0, null, -1.0, 5000, 1.0, 2, -1, 7, 1, true, "cpu", "bf16");
        assertEquals(List.of("EPOCHS must be an integer in [1, 1000000], got '0'",
                "LEARNING_RATE must be a number > 0, got '-1.0'",
                "BATCH_SIZE must be an integer in [1, 4096], got '5000'",
                "VAL_FRACTION must be a number in [0, 1), got '1.0'",
                "PATIENCE must be an integer in [0, 1000000], got '-1'",
                "PRECISION must be fp32 or auto on the CPU (bf16 training is GPU only), got 'bf16'"),
                bad.problems(key -> key.toUpperCase(Locale.ROOT)));
        assertEquals(List.of("precision must be one of auto, fp32, bf16, got 'fp8'"),
                new TrainingOptions(null, null, null, null, 0.95, 2, 0, 7, 1, true, "cpu", "fp8").problems(k -> k));
        assertTrue(defaults().problems(k -> k).isEmpty());
    }
}
