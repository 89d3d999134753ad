package io.medseg.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.medseg.MedSegException;

/** Tile placement against nnU-Net v2's compute_steps_for_sliding_window (values worked out with its formula). */
class TileGridTest {
    @Test
    void positionsMatchNnUnet() {
        assertArrayEquals(new long[] { 0, 64, 128, 192, 256, 320, 384 }, TileGrid.positions(512, 128, 0.5));
        // ceil(36 / 32) + 1 = 3 steps, 36 / 2 = 18 apart
        assertArrayEquals(new long[] { 0, 18, 36 }, TileGrid.positions(100, 64, 0.5));
        // step 2.5: numpy rounds 2.5 to the even 2
        assertArrayEquals(new long[] { 0, 2, 5 }, TileGrid.positions(10, 5, 0.5));
        assertArrayEquals(new long[] { 0 }, TileGrid.positions(64, 64, 0.5));
        assertArrayEquals(new long[] { 0, 128 }, TileGrid.positions(256, 128, 0));
        assertArrayEquals(new long[] { 0, 86, 172 }, TileGrid.positions(300, 128, 0));
        // overlap 0.75: step 32, ceil(100 / 32) + 1 = 5, 25 apart
        assertArrayEquals(new long[] { 0, 25, 50, 75, 100 }, TileGrid.positions(228, 128, 0.75));
    }

    @Test
    void positionsAreEvenlySpreadAndEndFlush() {
        Random r = new Random(3);
        for (int trial = 0; trial < 500; trial++) {
            long patch = 1 + r.nextInt(96);
            long size = patch + r.nextInt(400);
            double overlap = r.nextInt(95) / 100.0;
            long[] p = TileGrid.positions(size, patch, overlap);
            String what = size + "/" + patch + "/" + overlap;
            assertEquals(0, p[0], what);
            assertEquals(size - patch, p[p.length - 1], what);
            double target = patch * (1 - overlap);
            assertEquals((int) Math.ceil((size - patch) / target) + 1, p.length, what);
            long minGap = Long.MAX_VALUE;
            long maxGap = 0;
            for (int i = 1; i < p.length; i++) {
                long gap = p[i] - p[i - 1];
                minGap = Math.min(minGap, gap);
                maxGap = Math.max(maxGap, gap);
                assertTrue(gap <= Math.ceil(target), what + ": gap " + gap + " exceeds the step");
            }
            if (p.length > 1) {
                assertTrue(maxGap - minGap <= 1, what + ": uneven gaps " + minGap + ".." + maxGap);
            }
        }
    }

    @Test
    void tilesCoverEveryAxisCombinationLastAxisFastest() {
        List<long[]> tiles = TileGrid.tiles(new long[] { 100, 64, 70 }, new long[] { 64, 64, 64 }, 0.5);
        assertEquals(3 * 1 * 2, tiles.size());
        assertArrayEquals(new long[] { 0, 0, 0 }, tiles.get(0));
        assertArrayEquals(new long[] { 0, 0, 6 }, tiles.get(1));
        assertArrayEquals(new long[] { 18, 0, 0 }, tiles.get(2));
        assertArrayEquals(new long[] { 36, 0, 6 }, tiles.get(5));
    }

    @Test
    void smallImagesArePaddedCentredToThePatch() {
        long[] shape = { 19, 40 };
        long[] patch = { 32, 32 };
        assertArrayEquals(new long[] { 32, 40 }, TileGrid.paddedShape(shape, patch));
        // 13 voxels of padding: 6 below, 7 above (nnU-Net's pad_nd_image)
        assertArrayEquals(new long[] { 6, 0 }, TileGrid.padOffset(shape, patch));
        assertEquals(2, TileGrid.tiles(TileGrid.paddedShape(shape, patch), patch, 0.5).size());
        assertThrows(IllegalArgumentException.class, () -> TileGrid.positions(19, 32, 0.5));
    }

    @Test
    void overlapOutsideZeroToOneIsRefusedNamingTheOption() {
        for (double bad : new double[] { 1, -0.1, 1.5, Double.NaN }) {
            MedSegException e = assertThrows(MedSegException.class, () -> new SlidingWindowSettings(bad, false, 4));
            assertTrue(e.getMessage().startsWith("--overlap"), e.getMessage());
        }
        assertTrue(assertThrows(MedSegException.class, () -> new SlidingWindowSettings(0.5, false, 0)).getMessage()
                .startsWith("--tile-batch"));
    }
}
