package io.medseg.engine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.medseg.nn.checkpoint.CheckpointTape;

/** Base for tests that compute with the PyTorch engine: a fresh manager per test and a fixed seed. */
public abstract class EngineTest {
    protected Engine engine;
    protected NDManager manager;

    /** The engine seed each test starts from. */
    protected int seed() {
        return 1234;
    }

    @BeforeEach
    void openEngine() {
        engine = DjlEnvironment.pytorch();
        manager = engine.newBaseManager();
        engine.setRandomSeed(seed());
    }

    @AfterEach
    void closeEngine() {
        manager.close();
    }

    /**
     * d sum(block(x) ⊙ w) / dx from one training step, either through an active {@link CheckpointTape} (checkpointed
     * segments recomputed in the backward pass) or by plain autograd. Parameter gradients accumulate in the block.
     */
    protected NDArray inputGradient(Block block, NDArray x, NDArray w, boolean tape) {
        return inputGradient(block, x, w, tape, CheckpointTape.defaultGraphBudget());
    }

    /** As above, on a tape of this graph budget (0: checkpointed blocks recomputed; large: their graphs kept). */
    protected NDArray inputGradient(Block block, NDArray x, NDArray w, boolean tape, long graphBudget) {
        NDArray leaf = x.duplicate();
        leaf.setRequiresGradient(true);
        try (GradientCollector gc = engine.newGradientCollector()) {
            ParameterStore ps = new ParameterStore(manager, false);
            if (tape) {
                CheckpointTape t = new CheckpointTape(graphBudget);
                NDArray loss;
                try (CheckpointTape.Scope s = t.activate()) {
                    loss = block.forward(ps, new NDList(leaf), true).singletonOrThrow().mul(w).sum();
                }
                t.backward(loss);
            } else {
                gc.backward(block.forward(ps, new NDList(leaf), true).singletonOrThrow().mul(w).sum());
            }
        }
        return leaf.getGradient();
    }

    /** Asserts that two blocks with the same structure hold the same, non-zero, parameter gradients (relative tol). */
    protected static void assertSameParameterGradients(Block expected, Block actual, double tolerance) {
        var a = expected.getParameters();
        var b = actual.getParameters();
        for (int i = 0; i < a.size(); i++) {
            NDArray ga = a.valueAt(i).getArray().getGradient();
            NDArray gb = b.valueAt(i).getArray().getGradient();
            double scale = ga.abs().max().getDouble();
            org.junit.jupiter.api.Assertions.assertTrue(scale > 0, a.keyAt(i) + " received no gradient");
            org.junit.jupiter.api.Assertions.assertTrue(ga.sub(gb).abs().max().getDouble() <= tolerance * scale,
                    a.keyAt(i));
        }
    }

    /** Asserts max |actual − expected| ≤ tolerance · max |expected| (in float64), expected not all zero. */
    protected static void assertWithin(NDArray actual, NDArray expected, double tolerance, String what) {
        org.junit.jupiter.api.Assertions.assertEquals(expected.getShape(), actual.getShape(), what);
        NDArray e = expected.toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
        double scale = e.abs().max().getDouble();
        org.junit.jupiter.api.Assertions.assertTrue(scale > 0, what + ": all zero");
        double err = actual.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).sub(e).abs().max().getDouble();
        org.junit.jupiter.api.Assertions.assertTrue(err <= tolerance * scale, what + ": relative error " + err / scale);
    }

    /** Copies every parameter value of one block into another of the same structure and type. */
    protected static void copyParameters(Block from, Block to) {
        for (int i = 0; i < from.getParameters().size(); i++) {
            to.getParameters().valueAt(i).getArray().set(from.getParameters().valueAt(i).getArray().toByteBuffer());
        }
    }

    /** Asserts that two blocks of the same structure hold the same parameter gradients (see {@link #assertWithin}). */
    protected static void assertCloseParameterGradients(Block expected, Block actual, double tolerance, String what) {
        for (int i = 0; i < expected.getParameters().size(); i++) {
            assertWithin(actual.getParameters().valueAt(i).getArray().getGradient(),
                    expected.getParameters().valueAt(i).getArray().getGradient(), tolerance,
                    what + ": gradient of " + expected.getParameters().keyAt(i));
        }
    }

    /** Copies of the arrays as leaves that record their gradients (in {@code type}, or their own type when null). */
    protected static NDList leafCopies(NDList arrays, ai.djl.ndarray.types.DataType type) {
        NDList leaves = new NDList(arrays.size());
        for (NDArray a : arrays) {
            NDArray leaf = type == null ? a.duplicate() : a.toType(type, true);
            leaf.setRequiresGradient(true);
            leaves.add(leaf);
        }
        return leaves;
    }
}
