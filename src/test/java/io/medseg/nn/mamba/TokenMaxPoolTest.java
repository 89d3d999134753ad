package io.medseg.nn.mamba;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.medseg.engine.EngineTest;
import io.medseg.nn.Functions;
import io.medseg.nn.SequenceLayout;
import io.medseg.nn.checkpoint.CheckpointTape;

/**
 * The token-layout max-pool against PyTorch's max-pool of the same map: the same values and the same gradients, bit
 * for bit, in 2D and 3D, with ties (small integers, where the first maximum of a window must win), a NaN, odd axes
 * (the last row dropped, its gradient zero) and channel counts with and without a rest after the SIMD groups; and
 * through a recording tape.
 */
class TokenMaxPoolTest extends EngineTest {

    /** Tokens (2, L, C) of small integers, so that windows hold ties. */
    private NDArray tokens(Shape spatial, int channels) {
        return manager.randomInteger(0, 4, new Shape(2, spatial.size(), channels), DataType.INT32)
                .toType(DataType.FLOAT32, false);
    }

    /** PyTorch's pooled map and the gradient of sum(pooled · g) with respect to the tokens. */
    private NDList reference(NDArray tokens, Shape spatial, NDArray g) {
        NDArray leaf = tokens.duplicate();
        leaf.setRequiresGradient(true);
        NDArray pooled;
        long[] twos = new long[spatial.dimension()];
        Arrays.fill(twos, 2);
        Shape two = new Shape(twos);
        Shape zero = new Shape(new long[spatial.dimension()]);
        try (GradientCollector gc = engine.newGradientCollector()) {
            NDArray map = SequenceLayout.fromPatchTokens(leaf, spatial);
            pooled = spatial.dimension() == 2 ? Pool.maxPool2d(map, two, two, zero, false)
                    : Pool.maxPool3d(map, two, two, zero, false);
            gc.backward(pooled.mul(g).sum());
        }
        return new NDList(pooled.stopGradient(), leaf.getGradient());
    }

    private void assertLikePyTorch(Shape spatial, int channels, boolean withNan) {
        NDArray x = tokens(spatial, channels);
        if (withNan) {
            x.set(new NDIndex("1, 3, 2"), Float.NaN);
        }
        Shape half = TokenMaxPool.halved(spatial);
        NDArray g = manager.randomNormal(new Shape(2, channels).addAll(half));
        NDList expected = reference(x, spatial, g);
        NDArray gTokens = SequenceLayout.toPatchTokens(g);
        for (PoolLoops loops : LoopVariants.of(new PoolLoops(), PoolLoops.best())) {
            TokenMaxPool pool = new TokenMaxPool(spatial, loops);
            NDArray pooled = SequenceLayout.fromPatchTokens(pool.apply(new NDList(x)).singletonOrThrow(), half);
            String what = loops.lanes() + " lanes, " + spatial + " x " + channels;
            assertEquals(expected.get(0).getShape(), pooled.getShape(), what);
            assertArrayEquals(expected.get(0).toFloatArray(), pooled.toFloatArray(), what + ": values");
            NDArray gx = pool.gradients(new NDList(x), new NDList(gTokens)).singletonOrThrow();
            assertArrayEquals(expected.get(1).toFloatArray(), gx.toFloatArray(), what + ": gradient");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 3, 19, 64 })
    void twoDimensionalPoolingIsPyTorchs(int channels) {
        assertLikePyTorch(new Shape(6, 8), channels, false);
    }

    @ParameterizedTest
    @ValueSource(ints = { 5, 35 })
    void threeDimensionalPoolingIsPyTorchs(int channels) {
        assertLikePyTorch(new Shape(4, 6, 2), channels, false);
    }

    @Test
    void oddAxesDropTheirLastRowAsPyTorchDoes() {
        assertLikePyTorch(new Shape(5, 7), 20, false);
        assertLikePyTorch(new Shape(3, 5, 4), 17, false);
    }

    @Test
    void aNanWinsItsWindowAsInPyTorch() {
        assertLikePyTorch(new Shape(6, 8), 19, true);
    }

    /** Inside a checkpointed segment (its graph kept) the kernel runs, and the tape injects its gradient. */
    @Test
    void insideASegmentTheTapeInjectsTheKernelsGradient() {
        Shape spatial = new Shape(8, 6);
        NDArray x = tokens(spatial, 24);
        NDArray g = manager.randomNormal(new Shape(2, 24).addAll(TokenMaxPool.halved(spatial)));
        NDArray expected = reference(x, spatial, g).get(1);
        NDArray leaf = x.duplicate();
        leaf.setRequiresGradient(true);
        try (GradientCollector gc = engine.newGradientCollector()) {
            CheckpointTape tape = new CheckpointTape();
            NDArray loss;
            try (CheckpointTape.Scope s = tape.activate()) {
                NDArray pooled = CheckpointTape.checkpoint(in -> {
                    // ·1 so that the tokens are inside the graph, as a projection's output is
                    NDArray out = TokenMaxPool.apply(Functions.scale(in.get(0), 1), spatial);
                    String fn = JniUtils.getGradientFunctionNames((PtNDArray) out);
                    assertFalse(fn.contains("MaxPool"), "the kernel, not PyTorch's max-pool: " + fn);
                    return new NDList(out);
                }, new NDList(leaf), 1).singletonOrThrow();
                loss = pooled.mul(g).sum();
            }
            tape.backward(loss);
        }
        assertArrayEquals(expected.toFloatArray(), leaf.getGradient().toFloatArray());
    }
}
