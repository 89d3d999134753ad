package io.medseg.nn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.medseg.engine.EngineTest;

class LayersTest extends EngineTest {
    @Override
    protected int seed() {
        return 5;
    }




    private NDArray random(long... shape) {
        return manager.randomNormal(new Shape(shape)).toType(DataType.FLOAT64, false);
    }

    @Test
    void groupNormMatchesHandComputation() {
        NDArray x = random(2, 8, 3, 4);
        NDArray gamma = random(8);
        NDArray beta = random(8);
        double[] xv = x.toDoubleArray();
        double[] g = gamma.toDoubleArray();
        double[] b = beta.toDoubleArray();
        double[] actual = Norm.groupNorm(x, 4, gamma, beta).toDoubleArray();
        int per = 2 * 12; // channels per group x voxels
        for (int n = 0; n < 2; n++) {
            for (int grp = 0; grp < 4; grp++) {
                int start = n * 96 + grp * per;
                double mean = 0;
                for (int i = 0; i < per; i++) {
                    mean += xv[start + i];
                }
                mean /= per;
                double var = 0;
                for (int i = 0; i < per; i++) {
                    var += (xv[start + i] - mean) * (xv[start + i] - mean);
                }
                var /= per;
                for (int i = 0; i < per; i++) {
                    int c = grp * 2 + i / 12;
                    double expected = (xv[start + i] - mean) / Math.sqrt(var + 1e-5) * g[c] + b[c];
                    assertEquals(expected, actual[start + i], 1e-12);
                }
            }
        }
    }

    @Test
    void layerNormWithAndWithoutBias() {
        NDArray x = random(3, 5);
        NDArray gamma = random(5);
        NDArray beta = random(5);
        double[] xv = x.toDoubleArray();
        double[] with = Norm.layerNorm(x, gamma, beta).toDoubleArray();
        double[] without = Norm.layerNorm(x, gamma, null).toDoubleArray();
        for (int r = 0; r < 3; r++) {
            double mean = 0;
            double var = 0;
            for (int i = 0; i < 5; i++) {
                mean += xv[r * 5 + i] / 5;
            }
            for (int i = 0; i < 5; i++) {
                var += Math.pow(xv[r * 5 + i] - mean, 2) / 5;
            }
            for (int i = 0; i < 5; i++) {
                double n = (xv[r * 5 + i] - mean) / Math.sqrt(var + 1e-5) * gamma.toDoubleArray()[i];
                assertEquals(n, without[r * 5 + i], 1e-12);
                assertEquals(n + beta.toDoubleArray()[i], with[r * 5 + i], 1e-12);
            }
        }
    }

    @Test
    void linearUpsamplingMatchesPyTorchBilinearAndTheClosedForm() {
        NDArray x = random(2, 3, 5, 4);
        NDArray torch = x.getNDArrayInternal().interpolation(new long[] { 10, 8 }, 1, false);
        assertTrue(Resample.linear2x(x).sub(torch).abs().max().getDouble() < 1e-12);
        assertEquals(new Shape(2, 3, 5, 4), x.getShape()); // the input's shape untouched: a second call works too
        assertTrue(Resample.linear2x(x).sub(torch).abs().max().getDouble() < 1e-12);
        // 3D along one axis of length 3: [a, .75a+.25b, .25a+.75b, .75b+.25c, .25b+.75c, c]
        NDArray v = manager.create(new double[] { 1, 5, 2 }, new Shape(1, 1, 3, 1, 1));
        double[] up = Resample.linear2x(v).toDoubleArray();
        assertArrayEquals(new double[] { 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4.25, 4.25, 4.25, 4.25, 2.75, 2.75, 2.75,
                2.75, 2, 2, 2, 2 }, up, 1e-12);
    }

    @Test
    void nearestUpsamplingRepeatsVoxels() {
        NDArray x = manager.create(new double[] { 1, 2, 3, 4 }, new Shape(1, 1, 2, 2));
        assertArrayEquals(new double[] { 1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4 },
                Resample.nearest(x, 2, 3).toDoubleArray());
    }

    @Test
    void convolutionShapesAndInitialisation() {
        ConvNd conv = ConvNd.builder().setDims(3).setChannels(4, 32).setKernel(1, 3, 3).optStride(1, 2, 2)
                .optInit(WeightInit.HE_NORMAL).build();
        conv.initialize(manager, DataType.FLOAT32, new Shape(1, 4, 5, 9, 7));
        NDArray y = conv.forward(new ParameterStore(manager, false), new NDList(manager.randomNormal(new Shape(1, 4, 5, 9, 7))), false)
                .singletonOrThrow();
        assertEquals(new Shape(1, 32, 5, 5, 4), y.getShape());
        assertEquals(conv.getOutputShapes(new Shape[] { new Shape(1, 4, 5, 9, 7) })[0], y.getShape());
        NDArray w = conv.getParameters().get("weight").getArray();
        double std = Math.sqrt(w.square().mean().getFloat());
        double expected = Math.sqrt(2 / (1 + 1e-4)) / Math.sqrt(4 * 9);
        assertEquals(expected, std, 0.1 * expected); // 1152 samples: the estimate is within ~5%
        assertEquals(0.0, conv.getParameters().get("bias").getArray().abs().max().getFloat());

        ConvNd dw = ConvNd.builder().setDims(2).setChannels(8, 8).setKernel(3).optGroups(8).optBias(false).build();
        dw.initialize(manager, DataType.FLOAT32, new Shape(1, 8, 6, 6));
        NDArray dwW = dw.getParameters().get("weight").getArray();
        assertEquals(new Shape(8, 1, 3, 3), dwW.getShape());
        assertTrue(dwW.abs().max().getFloat() <= 1 / 3.0 + 1e-6);
    }
}
