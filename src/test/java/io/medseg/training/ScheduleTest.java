package io.medseg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The schedules against their closed forms. */
class ScheduleTest {
    @Test
    void polyLrIsNnUNetsFormula() {
        PolyLr poly = new PolyLr(1e-2, 1000);
        assertEquals(1e-2, poly.learningRate(0), 0);
        assertEquals(1e-2 * Math.pow(0.999, 0.9), poly.learningRate(1), 1e-18);
        assertEquals(1e-2 * Math.pow(0.5, 0.9), poly.learningRate(500), 1e-18);
        assertEquals(1e-2 * Math.pow(0.001, 0.9), poly.learningRate(999), 1e-18);
        assertEquals(0, poly.learningRate(1000), 0);
        // exponent 0.9, not 1: half-way the rate is above the linear schedule's half
        assertTrue(poly.learningRate(500) > 0.5e-2);
        assertEquals(1e-4 * Math.pow(0.7, 2), new PolyLr(1e-4, 10, 2).learningRate(3), 1e-20);
    }

    @Test
    void polyLrDecreasesMonotonically() {
        PolyLr poly = new PolyLr(1e-4, 100);
        for (int e = 1; e <= 100; e++) {
            assertTrue(poly.learningRate(e) < poly.learningRate(e - 1), "epoch " + e);
        }
    }

    @Test
    void cosineWithoutWarmup() {
        CosineLr cos = new CosineLr(1e-3, 100);
        assertEquals(1e-3, cos.learningRate(0), 1e-18);
        assertEquals(0.5e-3, cos.learningRate(50), 1e-18);
        assertEquals(1e-3 * (1 + Math.cos(Math.PI * 0.25)) / 2, cos.learningRate(25), 1e-18);
        assertEquals(0, cos.learningRate(100), 1e-18);
    }

    @Test
    void cosineWithWarmupAndFloor() {
        CosineLr cos = new CosineLr(1e-3, 1e-5, 110, 10);
        assertEquals(1e-4, cos.learningRate(0), 1e-18);
        assertEquals(5e-4, cos.learningRate(4), 1e-18);
        assertEquals(1e-3, cos.learningRate(9), 1e-18);
        assertEquals(1e-3, cos.learningRate(10), 1e-18);
        assertEquals(1e-5 + (1e-3 - 1e-5) * (1 + Math.cos(Math.PI * 0.3)) / 2, cos.learningRate(40), 1e-18);
        assertEquals(1e-5, cos.learningRate(110), 1e-18);
        assertThrows(IllegalArgumentException.class, () -> new CosineLr(1e-3, 0, 10, 10));
    }

    @Test
    void scheduleSetsTheOptimizersRate() {
        Optimizer sgd = new SgdNesterov(1e-2, 0.99, 3e-5);
        new PolyLr(1e-2, 4).apply(sgd, 2);
        assertEquals(1e-2 * Math.pow(0.5, 0.9), sgd.learningRate(), 1e-18);
    }
}
