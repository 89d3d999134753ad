package io.medseg.nn.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.medseg.engine.DjlEnvironment;

/** One backward pass from a seed delivers each tensor's gradient into the graph they share, by the chain rule. */
class GradientSeedTest {

    @Test
    void severalTensorsSharingAGraphGetTheirGradientsInOnePass() {
        Engine engine = DjlEnvironment.pytorch();
        try (NDManager m = engine.newBaseManager(); GradientCollector gc = engine.newGradientCollector()) {
            engine.setRandomSeed(3);
            NDArray w = m.randomNormal(new Shape(3, 4)).toType(DataType.FLOAT64, false);
            w.setRequiresGradient(true);
            NDArray twice = w.mul(2);
            NDArray exp = w.exp().transpose(); // not contiguous: flattening it copies
            NDArray g1 = m.randomNormal(new Shape(3, 4)).toType(DataType.FLOAT64, false);
            NDArray g2 = m.randomNormal(new Shape(4, 3)).toType(DataType.FLOAT64, false);

            NDArray unused = w.sin(); // in the graph, but no gradient flows from it
            GradientSeed seed = GradientSeed.of(Arrays.asList(twice, unused, exp), Arrays.asList(g1, null, g2));
            JniUtils.backward((PtNDArray) seed.target(), (PtNDArray) seed.gradient(), false, false);

            // d/dw of <2w, g1> + <exp(w)ᵀ, g2> = 2·g1 + exp(w)·g2ᵀ
            NDArray expected = g1.mul(2).add(w.stopGradient().exp().mul(g2.transpose()));
            assertArrayEquals(expected.toDoubleArray(), w.getGradient().toDoubleArray(), 1e-12);
        }
    }

    @Test
    void aSingleTensorIsItsOwnSeedAndNoGradientNoSeed() {
        Engine engine = DjlEnvironment.pytorch();
        try (NDManager m = engine.newBaseManager()) {
            NDArray x = m.ones(new Shape(2));
            NDArray g = m.ones(new Shape(2)).mul(3);
            GradientSeed seed = GradientSeed.of(Arrays.asList(x, x), Arrays.asList(null, g));
            assertSame(x, seed.target());
            assertSame(g, seed.gradient());
            assertNull(GradientSeed.of(Arrays.asList(x), Arrays.asList((NDArray) null)));
        }
    }
}
