package io.medseg.nn.checkpoint;

import org.junit.jupiter.api.Test;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.medseg.engine.DjlEnvironment;

/** Recomputed segments give exactly the gradients of plain autograd, also with skips and nesting. */
class CheckpointTapeTest {

    /**
     * A small network: h1 = tanh(x W1) [checkpointed, with a nested checkpointed square inside], h2 = sigmoid(h1 W2)
     * [recorded], h3 = tanh(h2 W3) [checkpointed], out = h3 + h1 [skip], loss = sum(out * r). The image-like input x
     * does not require gradients.
     */
    private static NDArray forward(NDArray x, NDArray w1, NDArray w2, NDArray w3, NDArray r, boolean checkpointed) {
        Segment inner = in -> new NDList(in.singletonOrThrow().square().mul(0.5));
        Segment first = in -> {
            NDArray h = in.get(0).matMul(in.get(1)).tanh();
            NDArray sq = checkpointed ? CheckpointTape.checkpoint(inner, new NDList(h)).singletonOrThrow()
                    : inner.apply(new NDList(h)).singletonOrThrow();
            return new NDList(h.add(sq));
        };
        Segment third = in -> new NDList(in.get(0).matMul(w3).tanh());
        NDArray h1 = checkpointed ? CheckpointTape.checkpoint(first, new NDList(x, w1)).singletonOrThrow()
                : first.apply(new NDList(x, w1)).singletonOrThrow();
        NDArray h2 = h1.matMul(w2).getNDArrayInternal().sigmoid();
        NDArray h3 = checkpointed ? CheckpointTape.checkpoint(third, new NDList(h2)).singletonOrThrow()
                : third.apply(new NDList(h2)).singletonOrThrow();
        return h3.add(h1).mul(r).sum();
    }

    @Test
    void recomputedGradientsEqualPlainAutograd() {
        Engine engine = DjlEnvironment.pytorch();
        try (NDManager m = engine.newBaseManager()) {
            engine.setRandomSeed(7);
            NDArray x = m.randomNormal(new Shape(5, 4)).toType(DataType.FLOAT64, false);
            NDArray r = m.randomNormal(new Shape(5, 3)).toType(DataType.FLOAT64, false);
            NDArray[] w = { m.randomNormal(new Shape(4, 3)), m.randomNormal(new Shape(3, 3)), m.randomNormal(new Shape(3, 3)) };
            TapedVersusPlain.assertSameGradients(engine, w, (p, taped) -> forward(x, p[0], p[1], p[2], r, taped));
        }
    }
}
