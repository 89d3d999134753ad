package io.medseg.nn.mlstm;

import static io.medseg.nn.mlstm.MlstmTestSupport.normal;
import static io.medseg.nn.mlstm.MlstmTestSupport.relativeError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.medseg.engine.EngineTest;
import io.medseg.nn.checkpoint.CheckpointTape;

/** ViLBlock: parameter counts, initialisation, causality, finite-difference and checkpointed gradients. */
class ViLBlockTest extends EngineTest {



    private ViLBlock block(NDManager m, ViLBlock.Builder builder, DataType type, long length) {
        ViLBlock b = builder.build();
        b.initialize(m, type, new Shape(1, length, b.dim()));
        return b;
    }

    private long countParameters(ai.djl.nn.Block b) {
        long n = 0;
        for (Pair<String, Parameter> p : b.getParameters()) {
            n += p.getValue().getArray().size();
        }
        return n;
    }

    private NDArray forward(ai.djl.nn.Block b, NDManager m, NDArray x, boolean training) {
        return b.forward(new ParameterStore(m, false), new NDList(x), training).singletonOrThrow();
    }

    @ParameterizedTest
    @ValueSource(ints = { 4, 8, 64, 320 })
    void parameterCountIs6DSquaredPlus87DPlus8(int d) {
        try (NDManager m = manager.newSubManager()) {
            ViLBlock b = block(m, ViLBlock.builder().setDim(d), DataType.FLOAT32, 3);
            long expected = 6L * d * d + 87L * d + 8;
            assertEquals(4, b.blockSize());
            assertEquals(expected, countParameters(b));
            assertEquals(expected, ViLBlock.parameterCount(d));
        }
    }

    @Test
    void parameterCountsMatchTheSpecTable() {
        // architectures.md §4.3: D = 64 / 320 / 512
        assertEquals(30_152, ViLBlock.parameterCount(64));
        assertEquals(642_248, ViLBlock.parameterCount(320));
        assertEquals(1_617_416, ViLBlock.parameterCount(512));
    }

    /**
     * D % 4 ≠ 0: blocks of 2 and, as ViL ties the cell's head count to the block size, 2 heads. The count becomes
     * D + 4D² + 3·(2D·2) + (8D + 2D) + 2·(2·6D + 2) + 2D + 2D + 2D² = 6D² + 51D + 4.
     */
    @ParameterizedTest
    @ValueSource(ints = { 6, 25, 210 })
    void blockSizeTwoFallbackCount(int d) {
        try (NDManager m = manager.newSubManager()) {
            ViLBlock b = block(m, ViLBlock.builder().setDim(d), DataType.FLOAT32, 3);
            assertEquals(2, b.blockSize());
            assertEquals(2, b.heads());
            long expected = 6L * d * d + 51L * d + 4;
            assertEquals(expected, countParameters(b));
            assertEquals(expected, ViLBlock.parameterCount(d));
        }
    }

    @Test
    void initialisationFollowsViL() {
        int d = 64;
        try (NDManager m = manager.newSubManager()) {
            ViLBlock b = block(m, ViLBlock.builder().setDim(d), DataType.FLOAT32, 3);
            Map<String, NDArray> p = new LinkedHashMap<>();
            // child parameters carry a position prefix ("01conv_weight"); keep the plain names
            b.getParameters().forEach(e -> p.put(e.getKey().replaceFirst("^\\d+", ""), e.getValue().getArray()));
            assertEquals(0f, p.get("norm_weight").abs().max().getFloat());
            assertEquals(0f, p.get("outnorm_weight").abs().max().getFloat());
            assertEquals(0f, p.get("igate_weight").abs().max().getFloat());
            assertEquals(0f, p.get("fgate_weight").abs().max().getFloat());
            assertArrayEquals(new float[] { 3, 4, 5, 6 }, p.get("fgate_bias").toFloatArray(), 1e-6f);
            assertEquals(1f, p.get("skip").min().getFloat());
            assertEquals(1f, p.get("skip").max().getFloat());
            double small = Math.sqrt(2.0 / (5 * d));
            assertStd(p.get("up_weight"), small, 0.03);
            for (String name : new String[] { "q_weight", "k_weight", "v_weight" }) {
                assertStd(p.get(name), small, 0.1); // 512 samples each
            }
            assertStd(p.get("down_weight"), 2.0 / Math.sqrt(d), 0.03);
            double convBound = 0.5; // PyTorch default U(±1/sqrt(fan_in)), fan_in = kernel 4
            double convMax = p.get("conv_weight").abs().max().getFloat();
            assertTrue(convMax <= convBound && convMax > convBound * 0.8, "conv weight range " + convMax);
        }
    }

    private void assertStd(NDArray w, double expected, double relTol) {
        double std = w.toType(DataType.FLOAT64, false).square().mean().sqrt().getDouble();
        assertEquals(expected, std, expected * relTol, "std of " + w.getShape());
    }

    /** Output t depends only on inputs 0..t: a change at token j leaves tokens before j unchanged. */
    @Test
    void isCausalAlongTheSequence() {
        try (NDManager m = manager.newSubManager()) {
            int length = 9;
            int j = 4;
            ViLBlock b = block(m, ViLBlock.builder().setDim(8), DataType.FLOAT64, length);
            randomiseParameters(b, m, 3);
            NDArray x = normal(m, new Random(1), new Shape(2, length, 8), 1, DataType.FLOAT64);
            NDArray y = forward(b, m, x, false);
            assertEquals(x.getShape(), y.getShape());
            NDArray x2 = x.duplicate();
            // a random change: a constant shift of all features would be removed by the pre-LayerNorm
            x2.set(new NDIndex(":, {}, :", j),
                    x.get(":, {}, :", j).add(normal(m, new Random(8), new Shape(2, 8), 1, DataType.FLOAT64)));
            NDArray diff = forward(b, m, x2, false).sub(y).abs().max(new int[] { 2 }).max(new int[] { 0 });
            double[] perToken = diff.toDoubleArray();
            for (int t = 0; t < length; t++) {
                if (t < j) {
                    assertEquals(0.0, perToken[t], "token " + t);
                } else {
                    assertTrue(perToken[t] > 1e-3, "token " + t + " did not see token " + j);
                }
            }
        }
    }

    /** Moves every parameter away from its init so that no gradient is trivially zero and gates are not symmetric. */
    private void randomiseParameters(ai.djl.nn.Block b, NDManager m, long seed) {
        Random rnd = new Random(seed);
        for (Pair<String, Parameter> p : b.getParameters()) {
            NDArray a = p.getValue().getArray();
            a.addi(normal(m, rnd, a.getShape(), 0.3, a.getDataType()));
        }
    }

    /**
     * Central differences in fp64 against autograd for a few entries of every parameter and of the input, on a
     * tiny block (D = 4, L = 6) in the chunkwise path (chunk 4, so the carry is exercised too).
     */
    @Test
    void gradientsMatchFiniteDifferences() {
        try (NDManager m = manager.newSubManager()) {
            int length = 6;
            ViLBlock b = block(m, ViLBlock.builder().setDim(4).optParallelMaxLength(2).optChunkSize(4),
                    DataType.FLOAT64, length);
            randomiseParameters(b, m, 9);
            NDArray x = normal(m, new Random(2), new Shape(1, length, 4), 1, DataType.FLOAT64);
            NDArray r = normal(m, new Random(3), new Shape(1, length, 4), 1, DataType.FLOAT64);
            x.setRequiresGradient(true);
            try (GradientCollector gc = engine.newGradientCollector()) {
                gc.backward(forward(b, m, x, true).mul(r).sum());
            }
            double h = 1e-5; // balances truncation (h²) against rounding of the loss (ε·|L|/h)
            double worst = 0;
            int checked = 0;
            for (Pair<String, Parameter> p : b.getParameters()) {
                NDArray a = p.getValue().getArray();
                double[] grad = a.getGradient().toDoubleArray();
                for (long index : new long[] { 0, a.size() / 2, a.size() - 1 }) {
                    double fd = centralDifference(a, index, h, () -> forward(b, m, x, false).mul(r).sum());
                    worst = Math.max(worst, check(p.getKey(), index, fd, grad[(int) index]));
                    checked++;
                }
            }
            double[] xGrad = x.getGradient().toDoubleArray();
            for (long index : new long[] { 0, 5, 13, 23 }) {
                double fd = centralDifference(x, index, h, () -> forward(b, m, x, false).mul(r).sum());
                worst = Math.max(worst, check("input", index, fd, xGrad[(int) index]));
                checked++;
            }
            System.out.printf("finite differences: %d entries, worst relative error %.1e%n", checked, worst);
        }
    }

    private double centralDifference(NDArray a, long flatIndex, double h,
            java.util.function.Supplier<NDArray> loss) {
        NDArray flat = a.reshape(-1); // a view: writes go to a
        double original = flat.getDouble(flatIndex);
        flat.set(new NDIndex(flatIndex), original + h);
        double plus = loss.get().getDouble();
        flat.set(new NDIndex(flatIndex), original - h);
        double minus = loss.get().getDouble();
        flat.set(new NDIndex(flatIndex), original);
        return (plus - minus) / (2 * h);
    }

    private double check(String name, long index, double fd, double ad) {
        double err = Math.abs(fd - ad) / Math.max(1e-3, Math.abs(ad));
        assertTrue(err < 1e-6, name + "[" + index + "]: finite difference " + fd + ", autograd " + ad);
        return err;
    }

    /**
     * Guard against the intermittent non-finite key gradients that k.div(Number) produced (about 1 run in 40, see
     * MlstmCell.scaleKeys): repeated chunkwise backward passes must all stay finite. Probabilistic by nature.
     */
    @RepeatedTest(30)
    void repeatedGradientsStayFinite() {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = normal(m, new Random(4), new Shape(2, 40, 8), 1, DataType.FLOAT64);
            NDArray r = normal(m, new Random(5), new Shape(2, 40, 8), 1, DataType.FLOAT64);
            gradients(m, ViLBlock.builder().setDim(8).optParallelMaxLength(16).optChunkSize(12), x, r, false)
                    .forEach((name, g) -> assertTrue(Double.isFinite(g.abs().sum().getDouble()), name));
        }
    }

    @Test
    void checkpointedGradientsEqualPlainAutograd() {
        int length = 40;
        try (NDManager m = manager.newSubManager()) {
            NDArray x = normal(m, new Random(4), new Shape(2, length, 8), 1, DataType.FLOAT64);
            NDArray r = normal(m, new Random(5), new Shape(2, length, 8), 1, DataType.FLOAT64);
            Map<String, NDArray> parallel = gradients(m, ViLBlock.builder().setDim(8), x, r, false);
            Map<String, NDArray> chunked = gradients(m,
                    ViLBlock.builder().setDim(8).optParallelMaxLength(16).optChunkSize(12), x, r, false);
            Map<String, NDArray> tape = gradients(m,
                    ViLBlock.builder().setDim(8).optParallelMaxLength(16).optChunkSize(12), x, r, true);
            double worstChunk = 0;
            double worstTape = 0;
            for (String name : parallel.keySet()) {
                assertTrue(parallel.get(name).abs().max().getDouble() > 0, name + " has no gradient");
                double ec = relativeError(chunked.get(name), parallel.get(name));
                double et = relativeError(tape.get(name), chunked.get(name));
                assertTrue(ec < 1e-10, name + ": chunkwise vs parallel " + ec);
                assertTrue(et < 1e-12, name + ": checkpointed vs plain " + et);
                worstChunk = Math.max(worstChunk, ec);
                worstTape = Math.max(worstTape, et);
            }
            System.out.printf("block gradients (%d tensors): chunkwise vs parallel %.1e, checkpointed vs plain %.1e%n",
                    parallel.size(), worstChunk, worstTape);
        }
    }

    /** Gradients of sum(Y ⊙ R) for a fresh block initialised from a fixed seed, plus the input's as "input". */
    private Map<String, NDArray> gradients(NDManager m, ViLBlock.Builder builder, NDArray x, NDArray r,
            boolean checkpoint) {
        engine.setRandomSeed(77);
        ViLBlock b = block(m, builder, DataType.FLOAT64, x.getShape().get(1));
        randomiseParameters(b, m, 6);
        NDArray input = x.duplicate();
        input.setRequiresGradient(true);
        try (GradientCollector gc = engine.newGradientCollector()) {
            if (checkpoint) {
                CheckpointTape tape = new CheckpointTape();
                NDArray loss;
                try (CheckpointTape.Scope scope = tape.activate()) {
                    loss = forward(b, m, input, true).mul(r).sum();
                }
                tape.backward(loss);
            } else {
                gc.backward(forward(b, m, input, true).mul(r).sum());
            }
        }
        Map<String, NDArray> grads = new LinkedHashMap<>();
        b.getParameters().forEach(p -> grads.put(p.getKey(), p.getValue().getArray().getGradient().duplicate()));
        grads.put("input", input.getGradient().duplicate());
        return grads;
    }

    @Test
    void rejectsWrongWidth() {
        try (NDManager m = manager.newSubManager()) {
            ViLBlock b = block(m, ViLBlock.builder().setDim(8), DataType.FLOAT32, 3);
            NDArray x = m.zeros(new Shape(1, 3, 6));
            assertThrows(IllegalArgumentException.class, () -> forward(b, m, x, false));
        }
    }
}
