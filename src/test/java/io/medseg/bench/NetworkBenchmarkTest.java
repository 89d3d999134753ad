package io.medseg.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The aggregation of {@code bench networks --rounds}: medians over rounds and per-round ratios, by hand. */
class NetworkBenchmarkTest {
    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(3.0, NetworkBenchmark.median(new double[] { 5, 1, 3 }));
        assertEquals(2.5, NetworkBenchmark.median(new double[] { 4, 1, 3, 2 }));
        assertEquals(7.0, NetworkBenchmark.median(new double[] { 7 }));
    }

    @Test
    void medianLeavesItsInputAsItWas() {
        double[] v = { 3, 1, 2 };
        NetworkBenchmark.median(v);
        assertArrayEquals(new double[] { 3, 1, 2 }, v);
    }

    /**
     * A machine that slows down by a third in the second round and speeds up in the third: each round's ratio is 2,
     * while the ratio of the medians of separately timed rounds would not be.
     */
    @Test
    void perRoundRatiosFollowADriftingMachine() {
        double[] lightm = { 1000, 1500, 800 };
        double[] residual = { 500, 750, 400 };
        double[] q = NetworkBenchmark.ratios(lightm, residual);
        assertArrayEquals(new double[] { 2, 2, 2 }, q, 1e-12);
        assertEquals(2.0, NetworkBenchmark.median(q), 1e-12);
        // had the residual UNet been timed in the fast round only, its median would give 2.5
        assertEquals(2.5, NetworkBenchmark.median(lightm) / 400, 1e-12);
        assertThrows(IllegalArgumentException.class, () -> NetworkBenchmark.ratios(lightm, new double[] { 1, 2 }));
    }
}
