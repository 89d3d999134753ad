package io.medseg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The estimate against hand-computed values from a synthetic clock (nanoseconds, no sleeping). */
class EtaEstimatorTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void unknownUntilAnIterationAfterTheWarmUpOneIsTimed() {
        EtaEstimator eta = new EtaEstimator(10);
        assertTrue(Double.isNaN(eta.etaSeconds(100, 1)));
        eta.iterationDone(0); // nothing to measure from yet: only starts the clock
        assertTrue(Double.isNaN(eta.etaSeconds(100, 1)));
        eta.iterationDone(30 * SECOND); // the warm-up iteration
        assertTrue(Double.isNaN(eta.secondsPerIteration()));
        eta.iterationDone(32 * SECOND);
        assertEquals(2, eta.secondsPerIteration(), 1e-12);
        assertEquals(200, eta.etaSeconds(100, 1), 1e-9);
    }

    @Test
    void firstSlowIterationDoesNotInflateTheEstimate() {
        EtaEstimator eta = new EtaEstimator(50);
        eta.epochStarted(0);
        long t = 60 * SECOND; // a minute of JIT and autotuning
        eta.iterationDone(t);
        for (int i = 0; i < 5; i++) {
            t += SECOND / 2;
            eta.iterationDone(t);
        }
        assertEquals(0.5, eta.secondsPerIteration(), 1e-12);
    }

    @Test
    void meanFollowsTheRecentWindowOnly() {
        EtaEstimator eta = new EtaEstimator(4);
        long t = 0;
        eta.epochStarted(t);
        t += 10 * SECOND;
        eta.iterationDone(t); // warm-up
        for (int i = 0; i < 4; i++) {
            t += SECOND;
            eta.iterationDone(t);
        }
        assertEquals(1, eta.secondsPerIteration(), 1e-12);
        for (int i = 0; i < 2; i++) {
            t += 3 * SECOND;
            eta.iterationDone(t);
        }
        assertEquals((1 + 1 + 3 + 3) / 4.0, eta.secondsPerIteration(), 1e-12);
        for (int i = 0; i < 2; i++) {
            t += 3 * SECOND;
            eta.iterationDone(t);
        }
        assertEquals(3, eta.secondsPerIteration(), 1e-12);
    }

    @Test
    void epochOverheadIsAveragedAndTheGapBeforeTheNextEpochIsNoIteration() {
        EtaEstimator eta = new EtaEstimator(10);
        long t = 0;
        for (int epoch = 0; epoch < 2; epoch++) {
            eta.epochStarted(t);
            for (int i = 0; i < 3; i++) {
                t += (epoch == 0 && i == 0 ? 9 : 1) * SECOND;
                eta.iterationDone(t);
            }
            double validation = epoch == 0 ? 20 : 40;
            t += (long) (validation * SECOND);
            eta.epochOverhead(validation);
        }
        // the 20 s and 40 s validations between the epochs did not leak into the per-iteration time
        assertEquals(1, eta.secondsPerIteration(), 1e-12);
        assertEquals(6 * 1 + 2 * 30, eta.etaSeconds(6, 2), 1e-9);
        assertEquals(30, eta.etaSeconds(0, 1), 1e-9);
        assertEquals(0, eta.etaSeconds(0, 0), 0);
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new EtaEstimator(0));
        EtaEstimator eta = new EtaEstimator();
        assertThrows(IllegalArgumentException.class, () -> eta.epochOverhead(-1));
        assertThrows(IllegalArgumentException.class, () -> eta.epochOverhead(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> eta.etaSeconds(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> eta.etaSeconds(0, -1));
    }
}
