package io.medseg.nn.mamba;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.medseg.engine.EngineTest;

class MambaBlockTest extends EngineTest {
    @Override
    protected int seed() {
        return 42;
    }




    private MambaBlock block(int c, int length, DataType type, boolean checkpoint) {
        MambaBlock b = MambaBlock.builder().setModelDim(c).optCheckpoint(checkpoint).build();
        b.initialize(manager, type, new Shape(2, length, c));
        return b;
    }

    private static Map<String, double[]> values(MambaBlock b) {
        Map<String, double[]> m = new HashMap<>();
        for (Pair<String, Parameter> p : b.getParameters()) {
            m.put(p.getKey().replaceFirst("^\\d+", ""), p.getValue().getArray().toType(DataType.FLOAT64, false).toDoubleArray());
        }
        return m;
    }

    @Test
    void parameterCountMatchesTheFormula() {
        for (int c : new int[] { 4, 32, 48, 64 }) {
            MambaBlock b = block(c, 3, DataType.FLOAT32, true);
            long n = 0;
            for (Pair<String, Parameter> p : b.getParameters()) {
                n += p.getValue().getArray().size();
            }
            assertEquals(MambaBlock.parameterCount(c), n, "C=" + c);
        }
        // the doc's table: C=32 -> 9,920, C=256 -> 437,760
        assertEquals(9_920, MambaBlock.parameterCount(32));
        assertEquals(437_760, MambaBlock.parameterCount(256));
        assertEquals(675_200, MambaBlock.parameterCount(320));
    }

    @Test
    void initialisationFollowsMambaSsm() {
        MambaBlock b = block(32, 3, DataType.FLOAT32, true);
        Map<String, double[]> v = values(b);
        double[] aLog = v.get("A_log");
        for (int e = 0; e < 64; e++) {
            for (int n = 0; n < 16; n++) {
                assertEquals(Math.log(n + 1), aLog[e * 16 + n], 1e-6);
            }
        }
        for (double x : v.get("D")) {
            assertEquals(1.0, x);
        }
        for (double bias : v.get("dt_proj_bias")) {
            double dt = Math.log1p(Math.exp(bias));
            assertTrue(dt >= 1e-3 * (1 - 1e-5) && dt <= 0.1 * (1 + 1e-5), "dt " + dt);
        }
        assertWithin(v.get("dt_proj_weight"), Math.pow(2, -0.5)); // R = 2 for C = 32
        assertWithin(v.get("in_proj"), 1 / Math.sqrt(32));
        assertWithin(v.get("x_proj"), 1 / Math.sqrt(64));
        assertWithin(v.get("out_proj"), 1 / Math.sqrt(64));
        assertWithin(v.get("conv1d_weight"), 0.5);
    }

    private static void assertWithin(double[] w, double bound) {
        double max = 0;
        for (double x : w) {
            max = Math.max(max, Math.abs(x));
        }
        assertTrue(max <= bound && max > 0.5 * bound, "max |w| " + max + " vs bound " + bound);
    }

    @Test
    void forwardMatchesAPlainJavaReference() {
        int c = 4;
        int length = 7;
        MambaBlock b = block(c, length, DataType.FLOAT64, true);
        NDArray x = manager.randomNormal(new Shape(2, length, c)).toType(DataType.FLOAT64, false);
        double[] actual = b.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow()
                .toDoubleArray();
        double[] expected = reference(values(b), x.toDoubleArray(), 2, length, c);
        assertArrayEquals(expected, actual, 1e-12);
    }

    /** mamba_ssm's forward written out with loops over plain arrays (selective_scan_ref semantics). */
    static double[] reference(Map<String, double[]> p, double[] x, int batch, int length, int c) {
        int e = 2 * c;
        int r = (c + 15) / 16;
        int n = 16;
        double[] win = p.get("in_proj");
        double[] cw = p.get("conv1d_weight");
        double[] cb = p.get("conv1d_bias");
        double[] wx = p.get("x_proj");
        double[] wdt = p.get("dt_proj_weight");
        double[] bdt = p.get("dt_proj_bias");
        double[] aLog = p.get("A_log");
        double[] dd = p.get("D");
        double[] wout = p.get("out_proj");
        double[] out = new double[batch * length * c];
        for (int bi = 0; bi < batch; bi++) {
            double[][] xm = new double[length][e];
            double[][] z = new double[length][e];
            for (int t = 0; t < length; t++) {
                for (int o = 0; o < 2 * e; o++) {
                    double s = 0;
                    for (int i = 0; i < c; i++) {
                        s += win[o * c + i] * x[(bi * length + t) * c + i];
                    }
                    if (o < e) {
                        xm[t][o] = s;
                    } else {
                        z[t][o - e] = s;
                    }
                }
            }
            double[][] u = new double[length][e];
            for (int t = 0; t < length; t++) {
                for (int ch = 0; ch < e; ch++) {
                    double s = cb[ch];
                    for (int j = 0; j < 4; j++) {
                        int src = t - 3 + j;
                        if (src >= 0) {
                            s += cw[ch * 4 + j] * xm[src][ch];
                        }
                    }
                    u[t][ch] = s / (1 + Math.exp(-s));
                }
            }
            double[][] h = new double[e][n];
            for (int t = 0; t < length; t++) {
                double[] dbl = new double[r + 2 * n];
                for (int o = 0; o < r + 2 * n; o++) {
                    for (int i = 0; i < e; i++) {
                        dbl[o] += wx[o * e + i] * u[t][i];
                    }
                }
                double[] y = new double[e];
                for (int ch = 0; ch < e; ch++) {
                    double pre = bdt[ch];
                    for (int k = 0; k < r; k++) {
                        pre += wdt[ch * r + k] * dbl[k];
                    }
                    double delta = Math.log1p(Math.exp(pre));
                    double acc = 0;
                    for (int s = 0; s < n; s++) {
                        double a = -Math.exp(aLog[ch * n + s]);
                        h[ch][s] = Math.exp(delta * a) * h[ch][s] + delta * dbl[r + s] * u[t][ch];
                        acc += dbl[r + n + s] * h[ch][s];
                    }
                    double gate = z[t][ch] / (1 + Math.exp(-z[t][ch]));
                    y[ch] = (acc + dd[ch] * u[t][ch]) * gate;
                }
                for (int o = 0; o < c; o++) {
                    double s = 0;
                    for (int i = 0; i < e; i++) {
                        s += wout[o * e + i] * y[i];
                    }
                    out[(bi * length + t) * c + o] = s;
                }
            }
        }
        return out;
    }

    @Test
    void halfPrecisionInputsAreScannedInFloat32() {
        MambaBlock b = block(8, 20, DataType.FLOAT32, true);
        NDArray x = manager.randomNormal(new Shape(2, 20, 8)).toType(DataType.FLOAT16, false);
        NDArray half = b.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
        assertEquals(DataType.FLOAT16, half.getDataType());
        NDArray full = b.forward(new ParameterStore(manager, false), new NDList(x.toType(DataType.FLOAT32, false)), false)
                .singletonOrThrow();
        double diff = half.toType(DataType.FLOAT32, false).sub(full).abs().max().getFloat();
        assertTrue(diff <= 1e-3 * Math.max(1, full.abs().max().getFloat()), "fp16 output differs by " + diff);
    }

    @ParameterizedTest(name = "graph budget {0}")
    @ValueSource(longs = { 0, Long.MAX_VALUE })
    void checkpointedTrainingGivesTheSameGradientsAsPlainAutograd(long graphBudget) {
        int c = 8;
        int length = 50;
        MambaBlock plain = block(c, length, DataType.FLOAT64, false);
        MambaBlock taped = block(c, length, DataType.FLOAT64, true);
        // same weights in both
        var src = plain.getParameters();
        var dst = taped.getParameters();
        for (int i = 0; i < src.size(); i++) {
            dst.valueAt(i).getArray().set(src.valueAt(i).getArray().toDoubleArray());
        }
        NDArray x = manager.randomNormal(new Shape(2, length, c)).toType(DataType.FLOAT64, false);
        NDArray w = manager.randomNormal(new Shape(2, length, c)).toType(DataType.FLOAT64, false);
        NDArray gx1 = inputGradient(plain, x, w, false);
        NDArray gx2 = inputGradient(taped, x, w, true, graphBudget);
        assertTrue(gx1.sub(gx2).abs().max().getDouble() <= 1e-10 * gx1.abs().max().getDouble());
        assertSameParameterGradients(plain, taped, 1e-10);
    }

    /**
     * On the CPU a sequence longer than the block's part length runs in parts after its convolution (each part's scan
     * continued from the previous part's exit state): the outputs and, with plain autograd and through a tape
     * recomputing or keeping the block, the gradients of the whole sequence in one piece. Lengths: parts of 16 tokens
     * and a short last one (51, 49), and whole parts (64). In float64 (tensor forms) and float32 (the CPU kernels).
     */
    @ParameterizedTest(name = "{0} tokens")
    @ValueSource(ints = { 51, 49, 64 })
    void partsOfALongSequenceGiveTheWholeSequencesResult(int length) {
        int c = 8;
        for (DataType type : new DataType[] { DataType.FLOAT64, DataType.FLOAT32 }) {
            double tolerance = type == DataType.FLOAT64 ? 1e-10 : 2e-5;
            NDArray x = manager.randomNormal(new Shape(2, length, c)).toType(type, false);
            NDArray w = manager.randomNormal(new Shape(2, length, c)).toType(type, false);
            for (long budget : new long[] { -1, 0, Long.MAX_VALUE }) { // -1: plain autograd
                MambaBlock whole = MambaBlock.builder().setModelDim(c).build();
                MambaBlock parts = MambaBlock.builder().setModelDim(c).optPartTokens(16).build();
                whole.initialize(manager, type, new Shape(2, length, c));
                parts.initialize(manager, type, new Shape(2, length, c));
                copyParameters(whole, parts);
                String what = type + ", budget " + budget;
                if (budget == -1) {
                    NDArray y1 = whole.forward(new ParameterStore(manager, false), new NDList(x), false)
                            .singletonOrThrow();
                    NDArray y2 = parts.forward(new ParameterStore(manager, false), new NDList(x), false)
                            .singletonOrThrow();
                    assertWithin(y2, y1, tolerance, what + ": outputs");
                }
                NDArray g1 = budget == -1 ? inputGradient(whole, x, w, false) : inputGradient(whole, x, w, true, budget);
                NDArray g2 = budget == -1 ? inputGradient(parts, x, w, false) : inputGradient(parts, x, w, true, budget);
                assertWithin(g2, g1, tolerance, what + ": input gradient");
                assertCloseParameterGradients(whole, parts, tolerance, what);
            }
        }
    }
}
