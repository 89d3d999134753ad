package io.medseg.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.medseg.engine.EngineTest;

/** clip_grad_norm_: one norm over all gradients, one common scale factor. */
class GradientClippingTest extends EngineTest {
    /** Two parameters whose gradients are exactly {@code g1} and {@code g2} (d/dw Σ w·g = g). */
    private List<NDArray> withGradients(double[] g1, double[] g2) {
        NDArray w1 = manager.create(new double[g1.length]);
        NDArray w2 = manager.create(new double[g2.length]);
        w1.setRequiresGradient(true);
        w2.setRequiresGradient(true);
        try (GradientCollector gc = engine.newGradientCollector()) {
            gc.backward(w1.mul(manager.create(g1)).sum().add(w2.mul(manager.create(g2)).sum()));
        }
        return List.of(w1, w2);
    }

    @Test
    void largeGradientsAreScaledTogether() {
        double[] g1 = { 3, 4 };
        double[] g2 = { 12, 0, 0 };
        List<NDArray> params = withGradients(g1, g2);
        double norm = GradientClipping.clipNorm(params, 6.5);
        assertEquals(13, norm, 1e-12); // sqrt(9 + 16 + 144)
        double c = 6.5 / (13 + 1e-6);
        assertArrayEquals(new double[] { 3 * c, 4 * c }, params.get(0).getGradient().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] { 12 * c, 0, 0 }, params.get(1).getGradient().toDoubleArray(), 1e-15);
    }

    @Test
    void aNonFiniteNormIsReportedAndTheGradientsAreLeftAsTheyAre() {
        List<NDArray> params = withGradients(new double[] { 3, Double.NaN }, new double[] { 1e300, 1e300, 0 });
        assertTrue(Double.isNaN(GradientClipping.clipNorm(params, 12)));
        assertArrayEquals(new double[] { 1e300, 1e300, 0 }, params.get(1).getGradient().toDoubleArray(), 0);
        List<NDArray> huge = withGradients(new double[] { 3, 4 }, new double[] { 1e300, 1e300, 0 });
        assertEquals(Double.POSITIVE_INFINITY, GradientClipping.clipNorm(huge, 12));
        assertArrayEquals(new double[] { 3, 4 }, huge.get(0).getGradient().toDoubleArray(), 0);
    }

    @Test
    void smallGradientsAreLeftAlone() {
        List<NDArray> params = withGradients(new double[] { 3, 4 }, new double[] { 12, 0, 0 });
        assertEquals(13, GradientClipping.clipNorm(params, 12 + 2), 1e-12);
        assertArrayEquals(new double[] { 3, 4 }, params.get(0).getGradient().toDoubleArray(), 0);
        assertArrayEquals(new double[] { 12, 0, 0 }, params.get(1).getGradient().toDoubleArray(), 0);
    }

    @Test
    void clipsABlocksParametersAtNnUNetsNorm() {
        Linear linear = Linear.builder().setUnits(3).build();
        linear.initialize(manager, DataType.FLOAT32, new Shape(2, 4));
        NDArray x = manager.full(new Shape(2, 4), 100f);
        try (GradientCollector gc = engine.newGradientCollector()) {
            gc.backward(linear.forward(new ParameterStore(manager, false), new ai.djl.ndarray.NDList(x), true)
                    .singletonOrThrow().sum());
        }
        double norm = GradientClipping.clipNorm(linear.getParameters(), GradientClipping.NNUNET_MAX_NORM);
        assertEquals(Math.sqrt(3 * 4 * 200.0 * 200.0 + 3 * 2.0 * 2.0), norm, 1e-3); // dW = Σ_b x = 200, db = 2
        double after = 0;
        for (Pair<String, Parameter> p : linear.getParameters()) {
            after += p.getValue().getArray().getGradient().toType(DataType.FLOAT64, false).square().sum().getDouble();
        }
        assertEquals(12, Math.sqrt(after), 1e-4);
    }
}
