package io.medseg.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.medseg.MedSegException;
import io.medseg.engine.EngineTest;

/** A non-finite loss or gradient never reaches the weights or the optimiser state; a run of them stops training. */
class FiniteStepGuardTest extends EngineTest {
    private Linear linear;
    private AdamW optimizer;
    private final List<String> warnings = new ArrayList<>();

    private PairList<String, Parameter> parameters() {
        return linear.getParameters();
    }

    /** Zeroed gradients, then the gradients of sum(linear(x)^2) for a fixed x; returns the (finite) loss. */
    private double backward() {
        for (var p : parameters()) {
            NDArray a = p.getValue().getArray();
            if (a.hasGradient()) {
                ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) a);
            }
        }
        NDArray x = manager.arange(8f).reshape(2, 4).div(4);
        try (GradientCollector gc = engine.newGradientCollector()) {
            NDArray loss = linear.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow()
                    .square().sum();
            gc.backward(loss);
            return loss.getFloat();
        }
    }

    private Map<String, double[]> snapshot() {
        Map<String, double[]> s = new LinkedHashMap<>();
        for (var p : parameters()) {
            s.put("weight " + p.getKey(), p.getValue().getArray().toType(DataType.FLOAT64, true).toDoubleArray());
        }
        for (var e : optimizer.state().entrySet()) {
            s.put("state " + e.getKey(), e.getValue().toType(DataType.FLOAT64, true).toDoubleArray());
        }
        return s;
    }

    private void assertUnchanged(Map<String, double[]> before, long stepsBefore) {
        Map<String, double[]> after = snapshot();
        assertEquals(before.keySet(), after.keySet());
        for (String k : before.keySet()) {
            assertArrayEquals(before.get(k), after.get(k), 0, k);
        }
        assertEquals(stepsBefore, optimizer.steps(), "optimiser step count");
    }

    private FiniteStepGuard setUp() {
        linear = Linear.builder().setUnits(3).build();
        linear.initialize(manager, DataType.FLOAT32, new Shape(2, 4));
        optimizer = new AdamW(1e-2, 0.9, 0.999, 1e-8, 0.01);
        FiniteStepGuard guard = new FiniteStepGuard(3, warnings::add);
        // one good step first, so that the optimiser has moments and a step count to protect
        assertTrue(guard.step(backward(), parameters(), 12, optimizer, "step 1"));
        return guard;
    }

    @Test
    void anInjectedNaNGradientLeavesWeightsAndOptimiserStateUnchanged() {
        FiniteStepGuard guard = setUp();
        Map<String, double[]> before = snapshot();
        double loss = backward();
        parameters().get("weight").getArray().getGradient().muli(Float.NaN);
        assertFalse(guard.step(loss, parameters(), 12, optimizer, "step 2"));
        assertUnchanged(before, 1);
        assertEquals(1, guard.skipped());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("step 2"), warnings.get(0));

        // the next good step is taken from where the last good one left off
        assertTrue(guard.step(backward(), parameters(), 12, optimizer, "step 3"));
        assertEquals(2, optimizer.steps());
        for (double[] v : snapshot().values()) {
            for (double d : v) {
                assertTrue(Double.isFinite(d));
            }
        }
    }

    @Test
    void aNonFiniteLossIsSkippedEvenWithFiniteGradients() {
        FiniteStepGuard guard = setUp();
        Map<String, double[]> before = snapshot();
        backward();
        assertFalse(guard.step(Double.POSITIVE_INFINITY, parameters(), 12, optimizer, "step 2"));
        assertUnchanged(before, 1);
    }

    @Test
    void stepsSkippedInARowStopTrainingWhileAGoodStepResetsTheCount() {
        FiniteStepGuard guard = setUp();
        for (int i = 0; i < 2; i++) {
            backward();
            assertFalse(guard.step(Double.NaN, parameters(), 12, optimizer, "a"));
        }
        assertTrue(guard.step(backward(), parameters(), 12, optimizer, "b"));
        for (int i = 0; i < 2; i++) {
            backward();
            assertFalse(guard.step(Double.NaN, parameters(), 12, optimizer, "c"));
        }
        Map<String, double[]> before = snapshot();
        backward();
        MedSegException e = assertThrows(MedSegException.class,
                () -> guard.step(Double.NaN, parameters(), 12, optimizer, "epoch 4 iteration 9"));
        assertTrue(e.getMessage().startsWith("training stopped: 3 steps in a row had a non-finite loss or gradient"),
                e.getMessage());
        assertTrue(e.getMessage().contains("epoch 4 iteration 9"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertUnchanged(before, 2);
        assertEquals(5, guard.skipped());
        assertEquals(1, warnings.size(), "the user is told once");
    }
}
