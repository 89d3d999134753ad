package io.medseg.nn.checkpoint;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;

/**
 * Runs a loss under plain autograd and under checkpoint tapes (recomputing every segment, and keeping the graph of
 * every sized one) and compares the weights' gradients.
 */
final class TapedVersusPlain {
    /** The loss of the weights, with its segments checkpointed ({@code taped}) or plainly computed. */
    interface Loss {
        NDArray of(NDArray[] weights, boolean taped);
    }

    private TapedVersusPlain() {
    }

    /** Asserts that every way gives every weight (as float64 copies) the same gradient to 1e-12 relative. */
    static void assertSameGradients(Engine engine, NDArray[] weights, Loss loss) {
        assertSameGradients(engine, weights, loss, 0, Long.MAX_VALUE);
    }

    /** As above, with tapes of these graph budgets. */
    static void assertSameGradients(Engine engine, NDArray[] weights, Loss loss, long... graphBudgets) {
        for (long budget : graphBudgets) {
            assertSameGradients(engine, weights, loss, budget);
        }
    }

    private static void assertSameGradients(Engine engine, NDArray[] weights, Loss loss, long graphBudget) {
        NDArray[][] grads = new NDArray[2][];
        for (int mode = 0; mode < 2; mode++) {
            boolean taped = mode == 1;
            NDArray[] p = new NDArray[weights.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = weights[i].toType(DataType.FLOAT64, true);
                p[i].setRequiresGradient(true);
            }
            try (GradientCollector gc = engine.newGradientCollector()) {
                if (!taped) {
                    gc.backward(loss.of(p, false));
                } else {
                    CheckpointTape tape = new CheckpointTape(graphBudget);
                    NDArray l;
                    try (CheckpointTape.Scope s = tape.activate()) {
                        l = loss.of(p, true);
                    }
                    tape.backward(l);
                }
            }
            grads[mode] = new NDArray[p.length];
            for (int i = 0; i < p.length; i++) {
                grads[mode][i] = p[i].getGradient();
            }
        }
        for (int i = 0; i < weights.length; i++) {
            double scale = grads[0][i].abs().max().getDouble();
            double diff = grads[0][i].sub(grads[1][i]).abs().max().getDouble();
            assertTrue(scale > 0 && diff <= 1e-12 * scale,
                    "graph budget " + graphBudget + ", weight " + i + ": diff " + diff + " scale " + scale);
        }
    }
}
