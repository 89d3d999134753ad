package io.medseg.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;

/** Proves the PyTorch engine loads offline from the Maven natives and runs a convolution forward and backward. */
class PyTorchSmokeTest {

    @Test
    void engineLoadsOfflineFromTheClassPath() {
        Engine engine = DjlEnvironment.pytorch();
        assertEquals("PyTorch", engine.getEngineName());
        assertEquals("true", System.getProperty("ai.djl.offline"));
        assertTrue(engine.getVersion().startsWith("2.7.1"), "PyTorch version " + engine.getVersion());
    }

    @Test
    void convolutionForwardAndBackwardMatchHandComputation() {
        Engine engine = DjlEnvironment.pytorch();
        try (NDManager m = engine.newBaseManager()) {
            // x: 1x1x3x3 with values 0..8, w: 1x1x2x2, valid convolution -> 1x1x2x2
            double[] xv = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
            double[] wv = { 1, -2, 0.5, 3 };
            NDArray x = m.create(xv, new Shape(1, 1, 3, 3)).toType(DataType.FLOAT64, false);
            NDArray w = m.create(wv, new Shape(1, 1, 2, 2)).toType(DataType.FLOAT64, false);
            w.setRequiresGradient(true);
            x.setRequiresGradient(true);
            double[] expected = new double[4];
            for (int oy = 0; oy < 2; oy++) {
                for (int ox = 0; ox < 2; ox++) {
                    double s = 0;
                    for (int ky = 0; ky < 2; ky++) {
                        for (int kx = 0; kx < 2; kx++) {
                            s += xv[(oy + ky) * 3 + ox + kx] * wv[ky * 2 + kx];
                        }
                    }
                    expected[oy * 2 + ox] = s;
                }
            }
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDList out = Conv2d.conv2d(x, w, null, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1);
                assertArrayEquals(expected, out.singletonOrThrow().toDoubleArray(), 1e-12);
                gc.backward(out.singletonOrThrow().sum());
            }
            // d(sum of outputs)/dw[ky,kx] = sum of the input window shifted by (ky,kx)
            double[] dw = new double[4];
            for (int ky = 0; ky < 2; ky++) {
                for (int kx = 0; kx < 2; kx++) {
                    for (int oy = 0; oy < 2; oy++) {
                        for (int ox = 0; ox < 2; ox++) {
                            dw[ky * 2 + kx] += xv[(oy + ky) * 3 + ox + kx];
                        }
                    }
                }
            }
            assertArrayEquals(dw, w.getGradient().toDoubleArray(), 1e-12);
            // d/dx: each input voxel receives the sum of the weights that touch it
            double[] dx = new double[9];
            for (int oy = 0; oy < 2; oy++) {
                for (int ox = 0; ox < 2; ox++) {
                    for (int ky = 0; ky < 2; ky++) {
                        for (int kx = 0; kx < 2; kx++) {
                            dx[(oy + ky) * 3 + ox + kx] += wv[ky * 2 + kx];
                        }
                    }
                }
            }
            assertArrayEquals(dx, x.getGradient().toDoubleArray(), 1e-12);
        }
    }
}
