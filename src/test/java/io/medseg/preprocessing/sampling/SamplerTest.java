package io.medseg.preprocessing.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.medseg.preprocessing.PreprocessedCase;

class SamplerTest {

    /** Counts patches whose centre voxel is foreground, with foreground 3 voxels in 4096 (random hits ≈ 0). */
    @ParameterizedTest
    @ValueSource(ints = { 1, 2, 3, 5 })
    void atLeastAThirdOfPatchesAreCentredOnForeground(int batchSize) {
        int[] patch = { 16, 16 };
        List<PreprocessedCase> cases = List.of(SamplingFixtures.rareForeground(new int[] { 64, 64 }, "a"),
                SamplingFixtures.rareForeground(new int[] { 48, 80 }, "b"));
        PatchSampler sampler = new PatchSampler(cases, patch, PatchSampler.DEFAULT_FOREGROUND_FRACTION, 0);
        // default augmentation: rotation and scaling turn about the patch centre, so the centre voxel keeps its label
        Augmenter augmenter = new Augmenter(AugmentationSettings.nnUNetDefaults(), patch);
        int centre = 8 * 16 + 8;
        int batches = 60;
        int total = 0, foreground = 0, forced = 0;
        int[] perClass = new int[3];
        try (PatchLoader loader = new PatchLoader(sampler, augmenter, batchSize, 11, 1, 1)) {
            for (int n = 0; n < batches; n++) {
                Batch b = loader.build(n);
                for (int s = 0; s < batchSize; s++) {
                    short l = b.labels()[s * 256 + centre];
                    total++;
                    foreground += l > 0 ? 1 : 0;
                    forced += b.forced()[s] ? 1 : 0;
                    if (b.forced()[s]) {
                        assertTrue(l > 0, "a forced sample must be centred on foreground");
                        perClass[l]++;
                    }
                    if (s + 1 < batchSize && b.forced()[s]) {
                        assertTrue(b.forced()[s + 1], "forced samples are the last ones of a batch");
                    }
                }
                // the quota holds after every whole batch, not only on average
                assertTrue(forced >= (n + 1) * batchSize / 3.0 - 1e-9, "after batch " + n + ": " + forced);
            }
        }
        assertEquals((int) Math.ceil(total / 3.0), forced, "forced exactly the quota");
        assertTrue(foreground >= total / 3.0, foreground + " of " + total);
        // the class is drawn first, so the one-voxel class 2 is seen about as often as class 1
        assertTrue(perClass[2] > forced / 4 && perClass[1] > forced / 4, java.util.Arrays.toString(perClass));
    }

    @Test
    void zeroFractionForcesNothing() {
        PatchSampler sampler = new PatchSampler(List.of(SamplingFixtures.rareForeground(new int[] { 64, 64 }, "a")),
                new int[] { 16, 16 }, 0, 0);
        for (int n = 0; n < 20; n++) {
            assertEquals(0, sampler.forcedInBatch(n, 2));
        }
    }

    @Test
    void paddingOutsideTheCase2D() {
        PreprocessedCase c = SamplingFixtures.positions(new int[] { 10, 8 });
        PatchSampler sampler = new PatchSampler(List.of(c), new int[] { 6, 6 }, 0, 0);
        // centre at the corner: patch voxel (x, y) reads case voxel (x − 3, y − 3)
        Patch p = sampler.extract(new PatchSampler.Location(0, new int[] { 0, 7 }, false));
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 6; x++) {
                int i = x - 3, j = y + 4, v = y * 6 + x;
                boolean inside = i >= 0 && i < 10 && j >= 0 && j < 8;
                assertEquals(inside ? i + 1000f * j : 0f, p.image()[v], "image at " + x + "," + y);
                assertEquals(inside ? (short) (1 + (i + j) % 2) : (short) -1, p.label()[v], "label at " + x + "," + y);
            }
        }
    }

    @Test
    void paddingOutsideTheCase3DWithTwoChannels() {
        int[] s = { 5, 6, 7 };
        PreprocessedCase one = SamplingFixtures.positions(s);
        float[] two = new float[2 * one.image().length];
        for (int v = 0; v < one.image().length; v++) {
            two[v] = one.image()[v];
            two[v + one.image().length] = -one.image()[v];
        }
        PreprocessedCase c = new PreprocessedCase("two", one.shape(), two, one.label(), null);
        int[] patch = { 4, 4, 4 };
        Patch p = new PatchSampler(List.of(c), patch, 0, 0).extract(new PatchSampler.Location(0, new int[] { 4, 0, 6 }, false));
        int n = 64;
        for (int z = 0; z < 4; z++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    int i = 4 + x - 2, j = y - 2, k = 6 + z - 2, v = (z * 4 + y) * 4 + x;
                    boolean inside = i < 5 && j >= 0 && k < 7;
                    float expected = inside ? i + 1000f * j + 1e6f * k : 0;
                    assertEquals(expected, p.image()[v]);
                    assertEquals(-expected, p.image()[n + v], 0f);
                    assertEquals(inside ? 1 + (i + j + k) % 2 : -1, p.label()[v]);
                }
            }
        }
    }

    @Test
    void randomCentresKeepThePatchInsideWhenItFitsAndCoverSmallCases() {
        PreprocessedCase big = SamplingFixtures.positions(new int[] { 40, 30 });
        PatchSampler sampler = new PatchSampler(List.of(big), new int[] { 16, 16 }, 0, 0);
        SplittableRandom r = new SplittableRandom(5);
        int minI = Integer.MAX_VALUE, maxI = 0;
        for (int t = 0; t < 500; t++) {
            PatchSampler.Location at = sampler.draw(r, false);
            minI = Math.min(minI, at.centre()[0]);
            maxI = Math.max(maxI, at.centre()[0]);
            for (short l : sampler.extract(at).label()) {
                assertTrue(l >= 0, "no padding needed when the patch fits");
            }
        }
        assertEquals(8, minI);
        assertEquals(40 - 16 + 8, maxI);
        // a case smaller than the patch lies wholly inside it, padded around
        PreprocessedCase small = SamplingFixtures.positions(new int[] { 10, 12 });
        PatchSampler s2 = new PatchSampler(List.of(small), new int[] { 16, 16 }, 0, 0);
        for (int t = 0; t < 50; t++) {
            int inside = 0;
            for (short l : s2.sample(r, false).label()) {
                inside += l >= 0 ? 1 : 0;
            }
            assertEquals(120, inside);
        }
    }

    /** 2D patches from slices of a volume (a 2D plan of 3D data): channel 0 holds j, channel 1 holds i + 100 k. */
    @Test
    void slicesOfVolumesTakeTheForegroundVoxelsSlice() {
        int n = 10 * 9 * 8;
        float[] image = new float[2 * n];
        short[] label = new short[n];
        for (int k = 0, v = 0; k < 8; k++) {
            for (int j = 0; j < 9; j++) {
                for (int i = 0; i < 10; i++, v++) {
                    image[v] = j;
                    image[n + v] = i + 100 * k;
                }
            }
        }
        label[3 + 10 * (7 + 9 * 5)] = 1; // the only foreground voxel: (3, 7, 5)
        PreprocessedCase c = new PreprocessedCase("v", new long[] { 10, 9, 8 }, image, label, null);
        int[] patch = { 4, 6 };
        PatchSampler sampler = new PatchSampler(List.of(c), patch, 1, PatchSampler.DEFAULT_FOREGROUND_FRACTION, 0);
        SplittableRandom r = new SplittableRandom(5);
        boolean[] seen = new boolean[9];
        int centre = 2 + 4 * 3;
        for (int t = 0; t < 200; t++) {
            boolean force = t % 2 == 0;
            PatchSampler.Location at = sampler.draw(r, force);
            Patch p = sampler.extract(at);
            assertEquals(24, p.voxels());
            for (int v = 0; v < 24; v++) {
                if (p.label()[v] >= 0) { // inside the case: every voxel comes from the drawn slice
                    assertEquals(at.slice(), p.image()[v]);
                }
            }
            // the slice's axes are (i, k): the centre voxel is case voxel (centre[0], slice, centre[1])
            assertEquals(at.centre()[0] + 100 * at.centre()[1], p.image()[24 + centre]);
            if (force) { // nnUNetDataLoader2D: the foreground voxel's slice, centred on the voxel
                assertEquals(7, at.slice());
                assertEquals(3, at.centre()[0]);
                assertEquals(5, at.centre()[1]);
                assertEquals(1, p.label()[centre]);
            } else {
                seen[at.slice()] = true;
            }
        }
        for (int j = 0; j < 9; j++) {
            assertTrue(seen[j], "random samples never took slice " + j);
        }
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new PatchSampler(List.of(SamplingFixtures.labelColoured(new int[] { 10, 8 })), patch, 1, 0.3, 0));
        assertTrue(e.getMessage().contains("expected 3 for patch [4, 6] from slices across axis 1"), e.getMessage());
    }
}
