package io.medseg.nn.mamba;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.medseg.engine.EngineTest;
import io.medseg.nn.checkpoint.CheckpointTape;

/** The blocked work-efficient scan against the sequential definition, values and gradients. */
class SelectiveScanTest extends EngineTest {



    /** Random scan inputs; Δ up to ~6 and A down to -16 give decays as small as e^-96 (large Δ·|A|). */
    private NDList inputs(int batch, int length, int channels, int states, DataType type) {
        NDArray u = manager.randomNormal(new Shape(batch, length, channels)).toType(type, false);
        NDArray delta = manager.randomUniform(-6f, 2f, new Shape(batch, length, channels)).exp().toType(type, false);
        NDArray a = manager.randomUniform(0f, (float) Math.log(16), new Shape(channels, states)).exp().neg()
                .toType(type, false);
        NDArray b = manager.randomNormal(new Shape(batch, length, states)).toType(type, false);
        NDArray c = manager.randomNormal(new Shape(batch, length, states)).toType(type, false);
        NDArray d = manager.randomNormal(new Shape(channels)).toType(type, false);
        return new NDList(u, delta, a, b, c, d);
    }

    private static double relativeError(NDArray actual, NDArray expected) {
        double scale = expected.abs().max().toType(DataType.FLOAT64, false).getDouble();
        double diff = actual.sub(expected).abs().max().toType(DataType.FLOAT64, false).getDouble();
        return diff / Math.max(scale, 1e-30);
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3, 17, 64, 1000, 4096 })
    void agreesWithSequentialInFloat32And64(int length) {
        for (DataType type : new DataType[] { DataType.FLOAT32, DataType.FLOAT64 }) {
            NDList in = inputs(2, length, 3, 4, type);
            NDArray expected = SelectiveScan.sequential(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), in.get(5));
            for (int block : new int[] { 16, 1024 }) {
                NDArray actual = SelectiveScan.scan(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), in.get(5),
                        block);
                double err = relativeError(actual, expected);
                double tol = type == DataType.FLOAT32 ? 1e-5 : 1e-10;
                assertTrue(err <= tol, "L=" + length + " " + type + " block " + block + ": relative error " + err);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 3, 17, 64, 1000 })
    void gradientsThroughTheTapeMatchSequentialAutograd(int length) {
        for (DataType type : new DataType[] { DataType.FLOAT32, DataType.FLOAT64 }) {
            NDList in = inputs(2, length, 3, 4, type);
            NDArray weight = manager.randomNormal(new Shape(2, length, 3)).toType(type, false);
            NDList reference = gradients(in, weight, false, 0);
            NDList taped = gradients(in, weight, true, 16);
            for (int i = 0; i < reference.size(); i++) {
                double err = relativeError(taped.get(i), reference.get(i));
                double tol = type == DataType.FLOAT32 ? 2e-5 : 1e-10;
                assertTrue(err <= tol, "L=" + length + " " + type + " input " + i + ": relative error " + err);
            }
        }
    }

    /** d(sum(y * weight))/d(inputs), by the sequential loop under autograd or by the blocked scan under a tape. */
    private NDList gradients(NDList in, NDArray weight, boolean production, int block) {
        NDList leaves = leafCopies(in, null);
        try (GradientCollector gc = engine.newGradientCollector()) {
            if (production) {
                CheckpointTape tape = new CheckpointTape();
                NDArray loss;
                try (CheckpointTape.Scope s = tape.activate()) {
                    NDArray y = SelectiveScan.scan(leaves.get(0), leaves.get(1), leaves.get(2), leaves.get(3),
                            leaves.get(4), leaves.get(5), block);
                    loss = y.mul(weight).sum();
                }
                tape.backward(loss);
            } else {
                NDArray y = SelectiveScan.sequential(leaves.get(0), leaves.get(1), leaves.get(2), leaves.get(3),
                        leaves.get(4), leaves.get(5));
                gc.backward(y.mul(weight).sum());
            }
        }
        NDList grads = new NDList();
        for (NDArray l : leaves) {
            grads.add(l.getGradient().duplicate());
        }
        return grads;
    }

    @Test
    void finiteDifferencesConfirmTheGradientInFloat64() {
        NDList in = inputs(1, 5, 2, 3, DataType.FLOAT64);
        NDArray weight = manager.randomNormal(new Shape(1, 5, 2)).toType(DataType.FLOAT64, false);
        NDList analytic = gradients(in, weight, true, 2);
        double h = 1e-6;
        for (int i = 0; i < in.size(); i++) {
            double[] base = in.get(i).toDoubleArray();
            double[] g = analytic.get(i).toDoubleArray();
            for (int j = 0; j < base.length; j++) {
                double fp = loss(in, i, base, j, h, weight);
                double fm = loss(in, i, base, j, -h, weight);
                double numeric = (fp - fm) / (2 * h);
                assertTrue(Math.abs(numeric - g[j]) <= 1e-6 * Math.max(1, Math.abs(numeric)),
                        "input " + i + "[" + j + "]: numeric " + numeric + " analytic " + g[j]);
            }
        }
    }

    private double loss(NDList in, int which, double[] base, int j, double h, NDArray weight) {
        double[] v = base.clone();
        v[j] += h;
        NDList moved = new NDList(in);
        moved.set(which, manager.create(v, in.get(which).getShape()));
        NDArray y = SelectiveScan.scan(moved.get(0), moved.get(1), moved.get(2), moved.get(3), moved.get(4),
                moved.get(5), 2);
        return y.mul(weight).sum().getDouble();
    }
}
