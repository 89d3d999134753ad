package io.medseg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.medseg.engine.EngineTest;
import io.medseg.preprocessing.sampling.Batch;

/** Batches (first spatial axis fastest) become tensors whose axis 2 is the patch's first axis, as at prediction. */
class BatchTensorsTest extends EngineTest {
    @Test
    void voxelIJKLandsAtTensorIndexIJK() {
        int[] patch = { 2, 3, 4 };
        int voxels = 24;
        float[] images = new float[2 * 2 * voxels]; // 2 samples, 2 channels
        short[] labels = new short[2 * voxels];
        for (int s = 0; s < 2; s++) {
            for (int k = 0; k < 4; k++) {
                for (int j = 0; j < 3; j++) {
                    for (int i = 0; i < 2; i++) {
                        int flat = i + 2 * (j + 3 * k);
                        for (int c = 0; c < 2; c++) {
                            images[(s * 2 + c) * voxels + flat] = 1000 * s + 100 * c + 16 * i + 4 * j + k;
                        }
                        labels[s * voxels + flat] = (short) (100 * s + 16 * i + 4 * j + k);
                    }
                }
            }
        }
        Batch b = new Batch(0, 2, 2, patch, images, labels, new boolean[2]);
        NDArray x = BatchTensors.images(b, 1, 2, manager);
        NDArray y = BatchTensors.labels(b, 0, 2, manager);
        assertEquals(new Shape(1, 2, 2, 3, 4), x.getShape());
        assertEquals(new Shape(2, 2, 3, 4), y.getShape());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    assertEquals(1000 + 100 + 16 * i + 4 * j + k, x.getFloat(0, 1, i, j, k), 0f);
                    assertEquals(100 + 16 * i + 4 * j + k, y.getInt(1, i, j, k));
                }
            }
        }
    }
}
