package io.medseg.nn.mamba;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.medseg.engine.EngineTest;
import io.medseg.nn.checkpoint.CheckpointTape;

/**
 * The CPU loop kernel against the tensor block (directly, with a non-zero entry state and exit-state gradient) and,
 * through {@link SelectiveScan#scan}, against the sequential definition and the tensor path: outputs and all
 * gradients, several lengths and block sizes. The kernel computes in fp32; its direct comparisons take the fp64 tensor
 * block on the same (fp32) values as the reference.
 */
class CpuScanKernelTest extends EngineTest {
    private static final int BATCH = 2;
    private static final int CHANNELS = 5;
    private static final int STATES = 4;

    /** Random scan inputs; Δ up to e² and A down to -16 give decays as small as e^-118. */
    private NDList inputs(int length, DataType type) {
        return inputs(length, type, STATES);
    }

    private NDList inputs(int length, DataType type, int states) {
        return inputs(length, type, states, CHANNELS);
    }

    private NDList inputs(int length, DataType type, int states, int channels) {
        NDArray u = manager.randomNormal(new Shape(BATCH, length, channels)).toType(type, false);
        NDArray delta = manager.randomUniform(-6f, 2f, new Shape(BATCH, length, channels)).exp().toType(type, false);
        NDArray a = manager.randomUniform(0f, (float) Math.log(16), new Shape(channels, states)).exp().neg()
                .toType(type, false);
        NDArray b = manager.randomNormal(new Shape(BATCH, length, states)).toType(type, false);
        NDArray c = manager.randomNormal(new Shape(BATCH, length, states)).toType(type, false);
        NDArray d = manager.randomNormal(new Shape(channels)).toType(type, false);
        // the extremes appear for sure
        delta.set(new NDIndex("0, 0, 0"), Math.exp(2));
        a.set(new NDIndex("0, 0"), -16);
        return new NDList(u, delta, a, b, c, d);
    }

    private static double tolerance(DataType type) {
        return type == DataType.FLOAT32 ? 1e-5 : 1e-10;
    }

    private static double relativeError(NDArray actual, NDArray expected) {
        assertEquals(expected.getShape(), actual.getShape());
        assertEquals(expected.getDataType(), actual.getDataType());
        NDArray e = expected.toType(DataType.FLOAT64, false);
        NDArray a = actual.toType(DataType.FLOAT64, false);
        double scale = e.abs().max().getDouble();
        double diff = a.sub(e).abs().max().getDouble();
        return diff / Math.max(scale, 1e-30);
    }

    private static void assertClose(NDArray actual, NDArray expected, double tol, String what) {
        double err = relativeError(actual, expected);
        assertTrue(err <= tol, what + ": relative error " + err);
    }

    /** Both inner loops where this JVM has the vector ones (the build's tests add the module), else the scalar ones. */
    private static List<StateLoops> allLoops() {
        StateLoops best = StateLoops.best();
        return best.getClass() == ScalarStateLoops.class ? List.of(best) : List.of(new ScalarStateLoops(), best);
    }

    /**
     * 4 states (fewer than a vector's lanes: the vector loops' scalar tail only) and 19 (full vectors plus a tail).
     */
    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 17, 300 })
    void oneBlockMatchesTheTensorBlockWithEntryStateAndExitGradient(int length) {
        for (StateLoops loops : allLoops()) {
            for (int states : new int[] { STATES, 16, 19 }) {
                String what = loops.getClass().getSimpleName() + " L=" + length + " N=" + states;
                compareBlock(loops, inputs(length, DataType.FLOAT32, states), what);
            }
            // whole groups of channels on SIMD lanes (8 on AVX2, 16 on AVX-512) and the channels after the last group:
            // the backward's 8 channel ranges of 17 channels each hold one or two groups and a rest; with 19 states
            // the sums of gB and gC across lanes (L·N per range) end in a rest that is no multiple of the lanes
            for (int states : new int[] { 16, 19 }) {
                String what = loops.getClass().getSimpleName() + " L=" + length + " N=" + states + ", 136 channels";
                compareBlock(loops, inputs(length, DataType.FLOAT32, states, 136), what);
            }
        }
    }

    /**
     * The kernel copies blocks into arrays it keeps per thread ({@link BlockArrays}); after a larger block has left its
     * values in them, a smaller block must still give the same bits as on fresh arrays: every value it reads is its own.
     */
    @Test
    void aBlockAfterALargerOneGivesTheSameBits() {
        for (StateLoops loops : allLoops()) {
            NDList small = inputs(70, DataType.FLOAT32, 16, 40);
            NDList large = inputs(300, DataType.FLOAT32, 16, 136);
            List<float[]> first = runBlock(loops, small);
            runBlock(loops, large);
            List<float[]> again = runBlock(loops, small);
            for (int i = 0; i < first.size(); i++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(first.get(i), again.get(i),
                        loops.getClass().getSimpleName() + " result " + i);
            }
        }
    }

    /** The forward's outputs and the gradients (from the kept states) of one block, with fixed h0, gy and exit. */
    private List<float[]> runBlock(StateLoops loops, NDList in) {
        NDArray u = in.get(0), a = in.get(2);
        Shape stateShape = new Shape(BATCH, a.getShape().get(0), a.getShape().get(1));
        NDArray h0 = manager.ones(stateShape).mul(0.5f);
        NDArray gy = u.mul(0.25f).add(1f);
        NDArray exit = manager.ones(stateShape).mul(-0.75f);
        NDList forward = CpuScanKernel.forward(loops, u, in.get(1), a, in.get(3), in.get(4), in.get(5), h0);
        NDList gradients = CpuScanKernel.gradients(loops, u, in.get(1), a, in.get(3), in.get(4), in.get(5), h0, gy,
                exit, forward.get(2));
        List<float[]> results = new java.util.ArrayList<>();
        forward.forEach(x -> results.add(x.toFloatArray()));
        gradients.forEach(x -> results.add(x.toFloatArray()));
        return results;
    }

    private void compareBlock(StateLoops loops, NDList in, String what) {
        NDArray u = in.get(0), delta = in.get(1), a = in.get(2), b = in.get(3), c = in.get(4), d = in.get(5);
        DataType type = u.getDataType();
        Shape stateShape = new Shape(BATCH, a.getShape().get(0), a.getShape().get(1));
        NDArray h0 = manager.randomNormal(stateShape).toType(type, false);
        NDArray gy = manager.randomNormal(u.getShape()).toType(type, false);
        NDArray exit = manager.randomNormal(stateShape).toType(type, false);
        assertTrue(CpuScanKernel.supports(u, delta, a, b, c, d, h0));

        NDList expected = wide(SelectiveScan.scanBlock(wide(u), wide(delta), wide(a), wide(b), wide(c), wide(d),
                wide(h0)));
        NDList actual = CpuScanKernel.forward(loops, u, delta, a, b, c, d, h0);
        for (int i = 0; i < 2; i++) {
            assertClose(wide(actual.get(i)), expected.get(i), tolerance(type), what + " output " + i);
        }
        assertKeptStates(actual.get(2), h0, u, delta, a, b, what);
        for (NDArray exitGrad : new NDArray[] { exit, null }) {
            NDList ge = SelectiveScan.tensorGradients(wide(u), wide(delta), wide(a), wide(b), wide(c), wide(d), wide(h0),
                    wide(gy), exitGrad == null ? null : wide(exitGrad));
            NDList ga = CpuScanKernel.gradients(loops, u, delta, a, b, c, d, h0, gy, exitGrad, actual.get(2));
            assertEquals(7, ga.size());
            for (int i = 0; i < ge.size(); i++) {
                assertEquals(type, ga.get(i).getDataType());
                assertClose(wide(ga.get(i)), ge.get(i), tolerance(type),
                        what + " exit " + (exitGrad != null) + " gradient " + i);
            }
            // recomputing the states instead of taking the forward's: the same walk, so the same bits
            NDList recomputed = CpuScanKernel.gradients(loops, u, delta, a, b, c, d, h0, gy, exitGrad, null);
            for (int i = 0; i < ga.size(); i++) {
                assertTrue(ga.get(i).contentEquals(recomputed.get(i)), what + " gradient " + i + " with kept states");
            }
        }
    }

    /**
     * The forward's kept states (B, E, S, N) are h0 and then the states after every {@link StateLoops#SUB}-th token,
     * as the sequential recurrence gives them (in fp64).
     */
    private void assertKeptStates(NDArray starts, NDArray h0, NDArray u, NDArray delta, NDArray a, NDArray b,
            String what) {
        int length = (int) u.getShape().get(1);
        assertEquals(new Shape(h0.getShape().get(0), h0.getShape().get(1), StateLoops.subBlocks(length),
                h0.getShape().get(2)), starts.getShape());
        NDArray h = wide(h0);
        NDArray aw = wide(a);
        for (int t = 0; t < length; t++) {
            if (t % StateLoops.SUB == 0) {
                NDArray kept = starts.get(new NDIndex(":, :, {}", t / StateLoops.SUB));
                assertClose(wide(kept), h, tolerance(DataType.FLOAT32), what + " kept state at token " + t);
            }
            NDArray dt = wide(delta.get(new NDIndex(":, {}", t))).expandDims(2); // (B, E, 1)
            NDArray ut = wide(u.get(new NDIndex(":, {}", t))).expandDims(2);
            NDArray bt = wide(b.get(new NDIndex(":, {}", t))).expandDims(1); // (B, 1, N)
            h = dt.mul(aw).exp().mul(h).add(dt.mul(ut).mul(bt));
        }
    }

    /** On x86-64 with the module (as the build runs its tests and the launcher runs the CLI) the scan uses SIMD. */
    @Test
    void theVectorLoopsAreUsedWhereTheModuleIsLoaded() {
        assumeTrue("amd64".equals(System.getProperty("os.arch")), "vector loops are only chosen on x86-64");
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "the build runs its tests without --add-modules jdk.incubator.vector");
        assertTrue(CpuScanKernel.LOOPS instanceof VectorStateLoops, CpuScanKernel.LOOPS.getClass().getName());
    }

    @Test
    void resultsDoNotDependOnScheduling() {
        NDList in = inputs(257, DataType.FLOAT32);
        NDArray h0 = manager.randomNormal(new Shape(BATCH, CHANNELS, STATES));
        NDArray gy = manager.randomNormal(new Shape(BATCH, 257, CHANNELS));
        NDList first = CpuScanKernel.gradients(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), in.get(5), h0, gy,
                null, null);
        for (int run = 0; run < 3; run++) {
            NDList again = CpuScanKernel.gradients(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), in.get(5), h0,
                    gy, null, null);
            for (int i = 0; i < first.size(); i++) {
                assertTrue(first.get(i).contentEquals(again.get(i)), "gradient " + i + " changed in run " + run);
            }
        }
    }

    @Test
    void supportsOnlyCpuFloat32() {
        NDArray f = manager.zeros(new Shape(2));
        assertTrue(CpuScanKernel.supports(f, f));
        assertFalse(CpuScanKernel.supports(f, f.toType(DataType.FLOAT64, false)));
        assertFalse(CpuScanKernel.supports(f.toType(DataType.FLOAT64, false)));
        assertFalse(CpuScanKernel.supports(f.toType(DataType.FLOAT16, false)));
    }

    /**
     * The exponential of both loops, 2^t, against Math.pow over the scan's range and at its edges; and a decay formed
     * as the loops form it, 2^((Δ·log₂e)·a), against exp(Δ·a) in double: within 1e-7 (exp of the float product Δ·a
     * itself is up to 4.7e-8 away).
     */
    @Test
    void scanExponentialIsWithinOneUlp() {
        for (int i = 0; i <= 280_000; i++) { // t in [-150, 130]: the scan's decays have t ≤ 0
            float t = -150f + i * 1e-3f;
            double exact = Math.pow(2, t);
            float e = ScanExp.exp2(t);
            if (t >= ScanExp.MIN && t <= ScanExp.MAX) {
                assertTrue(Math.abs(e - exact) <= Math.ulp((float) exact), "2^" + t + " = " + e + ", not " + exact);
            } else if (t < ScanExp.MIN) {
                assertTrue(e >= 0 && e <= 1.2e-38f, "2^" + t + " = " + e);
            }
        }
        assertEquals(1f, ScanExp.exp2(0f));
        assertTrue(Float.isNaN(ScanExp.exp2(Float.NaN)));
        Random random = new Random(3);
        for (int i = 0; i < 200_000; i++) {
            float dt = (float) Math.exp(-7 + 9 * random.nextDouble());
            float a = (float) -Math.exp(5 * random.nextDouble());
            double exact = Math.exp((double) dt * a);
            float decay = ScanExp.exp2(dt * ScanExp.LOG2E * a);
            // absolute: a decay multiplies a state, so its error counts against 1, where a decay near 1 rounds by 6e-8
            assertTrue(Math.abs(decay - exact) <= 1e-7,
                    "exp(" + dt + "·" + a + ") = " + decay + ", not " + exact);
        }
    }

    private static NDList wide(NDList x) {
        NDList w = new NDList();
        for (NDArray a : x) {
            w.add(wide(a));
        }
        return w;
    }

    private static NDArray wide(NDArray x) {
        return x.toType(DataType.FLOAT64, false);
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 17, 1000, 4133 })
    void scanMatchesSequentialAndTensorPath(int length) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false); // inference: the loop kernel computes the forward
        try {
            for (DataType type : new DataType[] { DataType.FLOAT32, DataType.FLOAT64 }) {
                NDList in = inputs(length, type);
                NDArray expected = SelectiveScan.sequential(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4),
                        in.get(5));
                for (int block : new int[] { 1, 16, 1000, 4096 }) {
                    if (block == 1 && length > 17) {
                        continue; // one token per block: covered by the short lengths
                    }
                    NDArray kernel = SelectiveScan.scan(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), in.get(5),
                            block, true);
                    NDArray tensor = SelectiveScan.scan(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), in.get(5),
                            block, false);
                    String what = "L=" + length + " " + type + " block " + block;
                    assertClose(kernel, expected, tolerance(type), what + " kernel vs sequential");
                    assertClose(kernel, tensor, tolerance(type), what + " kernel vs tensor path");
                }
                NDArray defaults = SelectiveScan.scan(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), in.get(5));
                assertClose(defaults, expected, tolerance(type), "L=" + length + " " + type + " default blocks");
            }
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 17, 1000, 4133 })
    void gradientsThroughTheTapeMatchSequentialAutogradAndTheTensorPath(int length) {
        for (DataType type : new DataType[] { DataType.FLOAT32, DataType.FLOAT64 }) {
            NDList in = inputs(length, type);
            NDArray weight = manager.randomNormal(new Shape(BATCH, length, CHANNELS)).toType(type, false);
            // sequential autograd is slow at the longest length: compare there with the tensor path only
            NDList reference = length <= 1000 ? sequentialGradients(in, weight) : null;
            for (int block : new int[] { 16, 1000, 4096 }) {
                NDList kernel = tapedGradients(in, weight, block, true);
                NDList tensor = tapedGradients(in, weight, block, false);
                for (int i = 0; i < in.size(); i++) {
                    String what = "L=" + length + " " + type + " block " + block + " input " + i;
                    if (reference != null) {
                        assertClose(kernel.get(i), reference.get(i), type == DataType.FLOAT32 ? 2e-5 : 1e-10,
                                what + " kernel vs sequential");
                    }
                    assertClose(kernel.get(i), tensor.get(i), type == DataType.FLOAT32 ? 2e-5 : 1e-10,
                            what + " kernel vs tensor path");
                }
            }
        }
    }

    @Test
    void plainAutogradThroughTheScanStillWorks() {
        NDList in = inputs(40, DataType.FLOAT64);
        NDArray weight = manager.randomNormal(new Shape(BATCH, 40, CHANNELS)).toType(DataType.FLOAT64, false);
        NDList reference = sequentialGradients(in, weight);
        NDList leaves = leafCopies(in, null);
        try (GradientCollector gc = engine.newGradientCollector()) {
            NDArray y = SelectiveScan.scan(leaves.get(0), leaves.get(1), leaves.get(2), leaves.get(3), leaves.get(4),
                    leaves.get(5));
            gc.backward(y.mul(weight).sum());
        }
        for (int i = 0; i < in.size(); i++) {
            assertClose(leaves.get(i).getGradient(), reference.get(i), 1e-10, "input " + i);
        }
    }

    private NDList sequentialGradients(NDList in, NDArray weight) {
        NDList leaves = leafCopies(in, null);
        try (GradientCollector gc = engine.newGradientCollector()) {
            NDArray y = SelectiveScan.sequential(leaves.get(0), leaves.get(1), leaves.get(2), leaves.get(3),
                    leaves.get(4), leaves.get(5));
            gc.backward(y.mul(weight).sum());
        }
        return gradientsOf(leaves);
    }

    private NDList tapedGradients(NDList in, NDArray weight, int block, boolean cpuKernel) {
        NDList leaves = leafCopies(in, null);
        try (GradientCollector gc = engine.newGradientCollector()) {
            CheckpointTape tape = new CheckpointTape();
            NDArray loss;
            try (CheckpointTape.Scope s = tape.activate()) {
                NDArray y = SelectiveScan.scan(leaves.get(0), leaves.get(1), leaves.get(2), leaves.get(3),
                        leaves.get(4), leaves.get(5), block, cpuKernel);
                loss = y.mul(weight).sum();
            }
            tape.backward(loss);
        }
        return gradientsOf(leaves);
    }

    private static NDList gradientsOf(NDList leaves) {
        NDList grads = new NDList();
        for (NDArray l : leaves) {
            grads.add(l.getGradient().duplicate());
        }
        return grads;
    }
}
