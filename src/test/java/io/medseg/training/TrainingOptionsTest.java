package io.medseg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.medseg.inference.TestModels;
import io.medseg.preprocessing.PreprocessingPlan;

class TrainingOptionsTest {
    private static TrainingOptions defaults() {
        return new TrainingOptions(null, null, null, null, 2, 0, 7, 1, true, "cpu", TrainingSettings.Precision.FP32);
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
        TrainingSettings s = new TrainingOptions(3, 5, 0.5, 4, 2, 0, 7, 1, true, "cpu",
                TrainingSettings.Precision.FP32).settings(plan);
        assertEquals(3, s.recipe().epochs());
        assertEquals(5, s.recipe().iterationsPerEpoch());
        assertEquals(0.5, s.recipe().learningRate(), 0);
        assertEquals(4, s.batchSize());
        assertEquals(plan.batchSize(), defaults().settings(plan).batchSize());
    }
}
