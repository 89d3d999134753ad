package io.medseg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.types.Shape;
import io.medseg.engine.EngineTest;

/** The per-epoch pseudo-Dice against counts by hand. */
class PseudoDiceTest extends EngineTest {
    /**
     * One sample of 8 voxels, 3 classes. The last two voxels are background targets that were the zero surround
     * before augmentation; the network calls one of them class 1, which must count as a false positive there.
     */
    @Test
    void countsEveryVoxelIncludingTheFormerSurround() {
        int[] labels = { 1, 1, 2, 0, 2, 0, 0, 0 };
        int[] argmax = { 1, 2, 2, 0, 2, 1, 0, 1 };
        float[] logits = new float[3 * 8];
        for (int v = 0; v < 8; v++) {
            logits[argmax[v] * 8 + v] = 5; // (B=1, K=3, 8) in C order: class k of voxel v at k·8 + v
        }
        PseudoDice dice = new PseudoDice(3);
        dice.add(manager.create(logits, new Shape(1, 3, 8)), manager.create(labels, new Shape(1, 8)));
        // class 1: TP 1 (v0), FP 2 (v5, v7), FN 1 (v1) → 2/(2+2+1); class 2: TP 2 (v2, v4), FP 1 (v1), FN 0 → 4/5
        assertEquals(2.0 / 5, dice.dice(1), 1e-12);
        assertEquals(4.0 / 5, dice.dice(2), 1e-12);
        assertEquals((2.0 / 5 + 4.0 / 5) / 2, dice.mean(), 1e-12);
        PseudoDice empty = new PseudoDice(3);
        empty.add(manager.create(new float[3 * 8], new Shape(1, 3, 8)), manager.create(new int[8], new Shape(1, 8)));
        assertTrue(Double.isNaN(empty.dice(1)) && Double.isNaN(empty.mean()), "absent everywhere: NaN");
    }
}
