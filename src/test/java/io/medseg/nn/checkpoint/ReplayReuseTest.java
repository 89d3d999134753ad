package io.medseg.nn.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.medseg.engine.DjlEnvironment;

/**
 * A checkpointed segment's replay takes the nested recurrences' results from its unrecorded forward instead of running
 * them again, with exactly the gradients of plain autograd; a nested checkpointed segment in between that runs a
 * recurrence of its own makes the replay compute the rest itself, one without (a kernel with its own gradients) does
 * not.
 */
class ReplayReuseTest {
    private static final long LENGTH = 12;
    private static final long CHUNK = 4;

    /** h_t = 0.5 h_{t-1} + x_t, y_t = h_t * w, chunk by chunk, counting the chunks computed. */
    private static NDArray recurrence(NDArray x, NDArray w, AtomicInteger chunks) {
        ChunkedRecurrence.Step step = (slices, shared, state) -> {
            chunks.incrementAndGet();
            NDArray h = state.get(0);
            NDList ys = new NDList();
            for (long t = 0; t < slices.get(0).getShape().get(1); t++) {
                h = h.mul(0.5).add(slices.get(0).get(":, {}", t));
                ys.add(h.mul(shared.get(0)));
            }
            return new NDList(NDArrays.stack(ys, 1), h);
        };
        NDArray h0 = x.getManager().zeros(new Shape(x.getShape().get(0), x.getShape().get(2)), x.getDataType());
        return ChunkedRecurrence.run(step, new NDList(x), new NDList(w), new NDList(h0), 1, 1, CHUNK);
    }

    /** What sits between the two recurrences: nothing, or a nested checkpointed segment with or without one. */
    private enum Nested {
        NONE, SQUARE, RECURRENCE
    }

    /**
     * loss = sum(r * tanh(rec2(tanh(rec1(x W)) [+ nested checkpointed 0.1·square or 0.1·rec3]))), as one
     * checkpointed segment.
     */
    private static NDArray loss(NDArray x, NDArray wIn, NDArray w1, NDArray w2, NDArray r, boolean taped,
            Nested nested, AtomicInteger chunks) {
        Segment inner = nested == Nested.SQUARE ? in -> new NDList(in.get(0).square().mul(0.1))
                : in -> new NDList(recurrence(in.get(0), in.get(1), chunks).mul(0.1));
        Segment body = in -> {
            NDArray a = recurrence(in.get(0).matMul(in.get(1)), in.get(2), chunks).tanh();
            if (nested != Nested.NONE) {
                NDList innerIn = new NDList(a, in.get(2));
                a = a.add(taped ? CheckpointTape.checkpoint(inner, innerIn).singletonOrThrow()
                        : inner.apply(innerIn).singletonOrThrow());
            }
            return new NDList(recurrence(a, in.get(3), chunks).tanh());
        };
        NDList in = new NDList(x, wIn, w1, w2);
        NDArray out = taped ? CheckpointTape.checkpoint(body, in).singletonOrThrow() : body.apply(in).singletonOrThrow();
        return out.mul(r).sum();
    }

    private static void check(Nested nested, int expectedTapedChunks) {
        Engine engine = DjlEnvironment.pytorch();
        try (NDManager m = engine.newBaseManager()) {
            engine.setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(2, LENGTH, 3)).toType(DataType.FLOAT64, false);
            NDArray r = m.randomNormal(new Shape(2, LENGTH, 3)).toType(DataType.FLOAT64, false);
            NDArray[] w = { m.randomNormal(new Shape(3, 3)), m.randomNormal(new Shape(3)), m.randomNormal(new Shape(3)) };
            AtomicInteger tapedChunks = new AtomicInteger();
            TapedVersusPlain.assertSameGradients(engine, w, (p, taped) -> loss(x, p[0], p[1], p[2], r, taped,
                    nested, taped ? tapedChunks : new AtomicInteger()), 0); // one taped step: no sized segments
            assertEquals(expectedTapedChunks, tapedChunks.get(), "chunks computed in the taped step");
        }
    }

    @Test
    void theReplayReusesTheRecurrencesOfTheUnrecordedForward() {
        // per recurrence: 3 chunks in the unrecorded forward + 3 replayed in its own backward; none in the replay
        check(Nested.NONE, 2 * 2 * 3);
    }

    @Test
    void aNestedCheckpointWithoutRecurrencesLeavesTheReuseInLine() {
        check(Nested.SQUARE, 2 * 2 * 3);
    }

    @Test
    void aNestedCheckpointWithARecurrenceMakesTheReplayComputeTheRest() {
        // unrecorded forward: 3 recurrences (9). Replay: the first reused; the nested segment's unrecorded forward runs
        // its recurrence (3), after which the second is computed again (3). Backward: each recurrence's 3 chunks (9),
        // the nested one reused in its segment's own replay.
        check(Nested.RECURRENCE, 9 + 3 + 3 + 9);
    }
}
