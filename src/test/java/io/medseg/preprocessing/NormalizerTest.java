package io.medseg.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class NormalizerTest {

    private static float[] hu(int n, long seed) {
        Random rnd = new Random(seed);
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = (float) (40 + 300 * rnd.nextGaussian());
        }
        return d;
    }

    @Test
    void ctClipsToThePlanBoundsThenUsesThePlanStatistics() {
        float[] data = hu(5000, 1);
        float[] raw = data.clone();
        ChannelNormalization ct = ChannelNormalization.ct(55.5, 120.25, -100, 300);
        // the channel sits in the middle of a larger array: the offset must be honoured
        float[] padded = new float[7000];
        System.arraycopy(data, 0, padded, 1000, 5000);
        Normalizer.normalize(padded, 1000, 5000, ct, null);
        int clippedLow = 0;
        int clippedHigh = 0;
        for (int i = 0; i < 5000; i++) {
            double x = raw[i] < -100 ? -100 : (raw[i] > 300 ? 300 : raw[i]);
            clippedLow += raw[i] < -100 ? 1 : 0;
            clippedHigh += raw[i] > 300 ? 1 : 0;
            assertEquals((x - 55.5) / 120.25, padded[1000 + i], 1e-5);
        }
        assertTrue(clippedLow > 100 && clippedHigh > 100, "the example exercises both bounds");
        assertEquals(0f, padded[999]);
        assertEquals(0f, padded[6000]);
    }

    @Test
    void zscoreGivesMeanZeroAndStdOne() {
        float[] data = hu(20000, 2);
        Normalizer.normalize(data, 0, data.length, ChannelNormalization.zscore(), null);
        double[] ms = meanStd(data, null);
        assertEquals(0, ms[0], 1e-5);
        assertEquals(1, ms[1], 1e-5);
    }

    @Test
    void zscoreWithMaskUsesOnlyTheMaskAndZeroesTheRest() {
        float[] data = hu(10000, 3);
        boolean[] mask = new boolean[data.length];
        for (int i = 0; i < data.length; i++) {
            mask[i] = i % 3 != 0;
            if (!mask[i]) {
                data[i] = 5000; // would dominate the statistics if it were used
            }
        }
        Normalizer.normalize(data, 0, data.length, ChannelNormalization.zscore(true), mask);
        double[] ms = meanStd(data, mask);
        assertEquals(0, ms[0], 1e-5);
        assertEquals(1, ms[1], 1e-5);
        for (int i = 0; i < data.length; i += 3) {
            assertEquals(0f, data[i]);
        }
    }

    /**
     * An exactly-zero surround around a bright object: without useMaskForNorm the whole crop is z-scored by loops
     * over all of it (the surround becomes a distinct low value), with it the object alone is, and the surround is 0.
     */
    @Test
    void zeroSurroundIsPartOfTheStatisticsUnlessTheMaskIsUsed() {
        int n = 400;
        float[] original = new float[n];
        boolean[] mask = new boolean[n];
        for (int v = 0; v < n; v++) {
            mask[v] = v % 5 != 0;
            original[v] = mask[v] ? 300 + v % 7 * 10 : 0;
        }
        double sum = 0;
        double sq = 0;
        for (float x : original) {
            sum += x;
        }
        double mean = sum / n;
        for (float x : original) {
            sq += (x - mean) * (x - mean);
        }
        double std = Math.sqrt(sq / n);
        float[] whole = original.clone();
        Normalizer.normalize(whole, 0, n, ChannelNormalization.zscore(false), mask);
        float[] masked = original.clone();
        Normalizer.normalize(masked, 0, n, ChannelNormalization.zscore(true), mask);
        double[] ms = meanStd(masked, mask);
        for (int v = 0; v < n; v++) {
            assertEquals((original[v] - mean) / std, whole[v], 1e-5, "whole crop at " + v);
            if (!mask[v]) {
                assertEquals(0f, masked[v], "outside the mask at " + v);
            }
        }
        assertEquals(-mean / std, whole[0], 1e-5);
        assertTrue(whole[0] < -1.5, "the surround stands out below the object: " + whole[0]);
        assertEquals(0, ms[0], 1e-5);
        assertEquals(1, ms[1], 1e-5);
        assertThrows(IllegalArgumentException.class,
                () -> Normalizer.normalize(original.clone(), 0, n, ChannelNormalization.zscore(true), null));
        assertThrows(IllegalArgumentException.class, () -> new ChannelNormalization(NormalizationScheme.CT, 0, 1, -1,
                1, true));
    }

    @Test
    void constantImagesAndNoneStayFinite() {
        float[] flat = new float[100];
        java.util.Arrays.fill(flat, 7f);
        Normalizer.normalize(flat, 0, 100, ChannelNormalization.zscore(), null);
        assertArrayEquals(new float[100], flat);
        float[] data = hu(100, 4);
        float[] copy = data.clone();
        Normalizer.normalize(data, 0, 100, ChannelNormalization.none(), null);
        assertArrayEquals(copy, data);
    }

    private static double[] meanStd(float[] d, boolean[] mask) {
        double s = 0;
        int n = 0;
        for (int i = 0; i < d.length; i++) {
            if (mask == null || mask[i]) {
                s += d[i];
                n++;
            }
        }
        double mean = s / n;
        double q = 0;
        for (int i = 0; i < d.length; i++) {
            if (mask == null || mask[i]) {
                q += (d[i] - mean) * (d[i] - mean);
            }
        }
        return new double[] { mean, Math.sqrt(q / n) };
    }
}
