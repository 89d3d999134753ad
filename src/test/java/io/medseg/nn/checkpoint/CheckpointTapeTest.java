package io.medseg.nn.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.medseg.engine.DjlEnvironment;

/**
 * Recomputed segments and segments whose graphs the tape keeps give exactly the gradients of plain autograd, also with
 * skips and nesting; a tape keeps graphs only within its budget.
 */
class CheckpointTapeTest {

    /** A segment's declared graph size in these tests: any budget from it up keeps its graph. */
    private static final long SIZE = 1000;

    /**
     * A small network: h1 = tanh(x W1) [checkpointed, with a nested checkpointed square inside], h2 = sigmoid(h1 W2)
     * [recorded], h3 = tanh(h2 W3) [checkpointed], out = h3 + h1 [skip], loss = sum(out * r). The image-like input x
     * does not require gradients. The two outer segments declare {@link #SIZE}; {@code applied} counts each one's
     * runs.
     */
    private static NDArray forward(NDArray x, NDArray w1, NDArray w2, NDArray w3, NDArray r, boolean checkpointed,
            int[] applied) {
        Segment inner = in -> new NDList(in.singletonOrThrow().square().mul(0.5));
        Segment first = in -> {
            applied[0]++;
            NDArray h = in.get(0).matMul(in.get(1)).tanh();
            NDArray sq = checkpointed ? CheckpointTape.checkpoint(inner, new NDList(h)).singletonOrThrow()
                    : inner.apply(new NDList(h)).singletonOrThrow();
            return new NDList(h.add(sq));
        };
        Segment third = in -> {
            applied[1]++;
            return new NDList(in.get(0).matMul(w3).tanh());
        };
        NDArray h1 = checkpointed ? CheckpointTape.checkpoint(first, new NDList(x, w1), SIZE).singletonOrThrow()
                : first.apply(new NDList(x, w1)).singletonOrThrow();
        NDArray h2 = h1.matMul(w2).getNDArrayInternal().sigmoid();
        NDArray h3 = checkpointed ? CheckpointTape.checkpoint(third, new NDList(h2), SIZE).singletonOrThrow()
                : third.apply(new NDList(h2)).singletonOrThrow();
        return h3.add(h1).mul(r).sum();
    }

    @Test
    void recomputedAndKeptGraphsGiveTheGradientsOfPlainAutograd() {
        Engine engine = DjlEnvironment.pytorch();
        try (NDManager m = engine.newBaseManager()) {
            engine.setRandomSeed(7);
            NDArray x = m.randomNormal(new Shape(5, 4)).toType(DataType.FLOAT64, false);
            NDArray r = m.randomNormal(new Shape(5, 3)).toType(DataType.FLOAT64, false);
            NDArray[] w = { m.randomNormal(new Shape(4, 3)), m.randomNormal(new Shape(3, 3)), m.randomNormal(new Shape(3, 3)) };
            // no graph kept, the first one only (the budget is spent in forward order), both
            TapedVersusPlain.assertSameGradients(engine, w,
                    (p, taped) -> forward(x, p[0], p[1], p[2], r, taped, new int[2]), 0, SIZE, 2 * SIZE);
        }
    }

    @Test
    void segmentsWithinTheBudgetRunOnceTheOthersAreRecomputed() {
        Engine engine = DjlEnvironment.pytorch();
        try (NDManager m = engine.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(5, 4));
            NDArray r = m.randomNormal(new Shape(5, 3));
            NDArray[] w = { m.randomNormal(new Shape(4, 3)), m.randomNormal(new Shape(3, 3)), m.randomNormal(new Shape(3, 3)) };
            for (NDArray p : w) {
                p.setRequiresGradient(true);
            }
            long[] budgets = { 0, SIZE, 2 * SIZE - 1, 2 * SIZE };
            int[][] expected = { { 2, 2 }, { 1, 2 }, { 1, 2 }, { 1, 1 } };
            for (int k = 0; k < budgets.length; k++) {
                int[] applied = new int[2];
                try (GradientCollector gc = engine.newGradientCollector()) {
                    CheckpointTape tape = new CheckpointTape(budgets[k]);
                    NDArray loss;
                    try (CheckpointTape.Scope s = tape.activate()) {
                        loss = forward(x, w[0], w[1], w[2], r, true, applied);
                    }
                    tape.backward(loss);
                }
                assertArrayEquals(expected[k], applied, "segment runs with a graph budget of " + budgets[k]);
            }
        }
    }

    /**
     * Inference (no tape, autograd off): a segment's intermediates are freed when it returns, its outputs belong to
     * the caller's scope, and its inputs stay untouched.
     */
    @Test
    void inferenceFreesASegmentsIntermediatesWhenItReturns() {
        Engine engine = DjlEnvironment.pytorch();
        boolean gradMode = JniUtils.isGradMode();
        try (NDManager m = engine.newBaseManager()) {
            JniUtils.setGradMode(false);
            NDArray x = m.randomNormal(new Shape(5, 4));
            NDArray[] intermediate = new NDArray[1];
            Segment segment = in -> {
                intermediate[0] = in.get(0).mul(2);
                return new NDList(intermediate[0].exp());
            };
            NDArray out;
            try (NDScope caller = new NDScope()) {
                out = CheckpointTape.checkpoint(segment, new NDList(x), SIZE).singletonOrThrow();
                assertTrue(intermediate[0].isReleased(), "the segment's intermediate outlived it");
                assertFalse(out.isReleased());
                assertArrayEquals(x.mul(2).exp().toFloatArray(), out.toFloatArray());
            }
            assertTrue(out.isReleased(), "the output does not belong to the caller's scope");
            assertFalse(x.isReleased());
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }
}
