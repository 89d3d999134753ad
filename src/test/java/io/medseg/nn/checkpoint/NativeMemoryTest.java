package io.medseg.nn.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.medseg.engine.EngineTest;
import io.medseg.nn.mamba.MambaBlock;

/**
 * Arrays a step creates must all be closed when its scope closes, also those that checkpointed segments and chunked
 * scans pass out of their own inner scopes (DJL frees native memory only on close, so a leak here grows a training
 * run's memory by every step's activations).
 */
class NativeMemoryTest extends EngineTest {
    private int arraysAfterStep(MambaBlock block, NDManager m, boolean train) {
        ParameterStore ps = new ParameterStore(m, false);
        try (NDScope scope = new NDScope()) {
            NDArray x = m.randomNormal(new Shape(2, 700, 8)); // several scan chunks of the blocks tested below
            if (train) {
                try (GradientCollector gc = engine.newGradientCollector()) {
                    CheckpointTape tape = new CheckpointTape();
                    NDArray loss;
                    try (CheckpointTape.Scope active = tape.activate()) {
                        loss = block.forward(ps, new NDList(x), true).singletonOrThrow().square().mean();
                    }
                    tape.backward(loss);
                }
            } else {
                block.forward(ps, new NDList(x), false);
            }
        }
        return m.getManagedArrays().size();
    }

    @Test
    void checkpointedTrainingStepsAndInferenceLeaveNoArraysBehind() {
        try (NDManager m = manager.newSubManager()) {
            MambaBlock block = MambaBlock.builder().setModelDim(8).optCheckpoint(true).build();
            block.initialize(m, DataType.FLOAT32, new Shape(2, 700, 8));
            for (boolean train : new boolean[] { true, false }) {
                int first = arraysAfterStep(block, m, train);
                int third = 0;
                for (int i = 0; i < 2; i++) {
                    third = arraysAfterStep(block, m, train);
                }
                assertEquals(first, third, (train ? "training" : "inference") + " steps leave arrays behind");
            }
        }
    }
}
