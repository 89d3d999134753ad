package io.medseg.nn.mlstm;

import static io.medseg.nn.mlstm.MlstmTestSupport.cellInputs;
import static io.medseg.nn.mlstm.MlstmTestSupport.normal;
import static io.medseg.nn.mlstm.MlstmTestSupport.relativeError;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Function;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.medseg.engine.EngineTest;
import io.medseg.nn.checkpoint.CheckpointTape;
import io.medseg.nn.mlstm.MlstmTestSupport.Gates;

/** Input gradients of the chunkwise and checkpointed forms against the parallel form, in fp64. */
class MlstmCellGradientTest extends EngineTest {
    private static final String[] NAMES = { "q", "k", "v", "igate", "fgate" };



    /** Gradients of sum(h ⊙ R) with respect to the five inputs, from fresh leaf copies. */
    private NDList gradients(NDList inputs, NDArray weights, Function<NDList, NDArray> form, boolean tape) {
        NDList leaves = leafCopies(inputs, null);
        try (GradientCollector gc = engine.newGradientCollector()) {
            if (tape) {
                CheckpointTape t = new CheckpointTape();
                NDArray loss;
                try (CheckpointTape.Scope scope = t.activate()) {
                    NDArray h = form.apply(leaves);
                    // A checkpointed result is a fresh leaf (DJL's requiresGrad is true only for leaves); a plain
                    // autograd result would be an interior node and report false.
                    assertTrue(JniUtils.requiresGrad((PtNDArray) h), "the cell was not checkpointed");
                    loss = h.mul(weights).sum();
                }
                t.backward(loss);
            } else {
                gc.backward(form.apply(leaves).mul(weights).sum());
            }
        }
        NDList grads = new NDList();
        leaves.forEach(l -> grads.add(l.getGradient().duplicate()));
        return grads;
    }

    @ParameterizedTest
    @EnumSource(Gates.class)
    void chunkwiseAndCheckpointedGradientsMatchParallel(Gates gates) {
        try (NDManager m = manager.newSubManager()) {
            int length = 37;
            NDList in = cellInputs(m, 11 + gates.ordinal(), 2, 2, length, 4, gates, DataType.FLOAT64);
            NDArray weights = normal(m, new Random(5), in.get(0).getShape(), 1, DataType.FLOAT64);

            NDList reference = gradients(in, weights,
                    x -> MlstmCell.parallel(x.get(0), x.get(1), x.get(2), x.get(3), x.get(4)), false);
            NDList chunked = gradients(in, weights,
                    x -> MlstmCell.chunkwise(x.get(0), x.get(1), x.get(2), x.get(3), x.get(4), 8), false);
            // S = 37 > 10: apply() takes the chunkwise path, recomputed chunk by chunk inside the tape.
            NDList checkpointed = gradients(in, weights,
                    x -> MlstmCell.apply(x.get(0), x.get(1), x.get(2), x.get(3), x.get(4), 10, 8), true);
            StringBuilder report = new StringBuilder("gradients " + gates + ":");
            for (int i = 0; i < NAMES.length; i++) {
                double chunkErr = relativeError(chunked.get(i), reference.get(i));
                double tapeErr = relativeError(checkpointed.get(i), reference.get(i));
                report.append(String.format(" %s %.1e/%.1e", NAMES[i], chunkErr, tapeErr));
                assertTrue(chunkErr < 1e-9 && tapeErr < 1e-9, report::toString);
                assertTrue(reference.get(i).abs().max().getDouble() > 0, "gradient of " + NAMES[i] + " is zero");
            }
            System.out.println(report);
        }
    }
}
