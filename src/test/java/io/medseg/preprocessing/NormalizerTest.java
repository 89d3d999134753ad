package io.medseg.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
        ChannelNormalization ct = new ChannelNormalization(NormalizationScheme.CT, 55.5, 120.25, -100, 300);
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
        Normalizer.normalize(data, 0, data.length, ChannelNormalization.zscore(), mask);
        double[] ms = meanStd(data, mask);
        assertEquals(0, ms[0], 1e-5);
        assertEquals(1, ms[1], 1e-5);
        for (int i = 0; i < data.length; i += 3) {
            assertEquals(0f, data[i]);
        }
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
