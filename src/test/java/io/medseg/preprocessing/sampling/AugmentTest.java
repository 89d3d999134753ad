package io.medseg.preprocessing.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.medseg.preprocessing.NonzeroCrop;
import io.medseg.preprocessing.PreprocessedCase;
import io.medseg.preprocessing.sampling.AugmentationSettings.Range;

class AugmentTest {
    private static final AugmentationSettings SPATIAL = AugmentationSettings.builder().spatialOnly()
            .rotation(1, 30).scaling(1, new Range(0.7, 1.4)).mirroring(0.5).build();
    private static final AugmentationSettings ELASTIC = SPATIAL.toBuilder()
            .elastic(1, new Range(100, 200), new Range(9, 13)).build();

    @Test
    void imageAndLabelStayAligned2D() {
        assertAligned(new int[] { 96, 96 }, new int[] { 64, 64 }, SPATIAL);
        assertAligned(new int[] { 96, 96 }, new int[] { 64, 64 }, ELASTIC);
    }

    @Test
    void imageAndLabelStayAligned3D() {
        assertAligned(new int[] { 40, 40, 32 }, new int[] { 24, 24, 24 }, SPATIAL);
        assertAligned(new int[] { 40, 40, 32 }, new int[] { 24, 24, 24 }, ELASTIC);
    }

    /**
     * The image equals the label, so after a joint transform the rounded image must equal the label except where
     * linear interpolation mixes two labels (voxels next to a label boundary, excluded) and in the padding. As a
     * check that the comparison can fail, the label of a differently seeded transform must disagree far more often.
     */
    private static void assertAligned(int[] caseShape, int[] patch, AugmentationSettings settings) {
        PreprocessedCase c = SamplingFixtures.labelColoured(caseShape);
        int[] centre = new int[caseShape.length];
        for (int d = 0; d < centre.length; d++) {
            centre[d] = caseShape[d] / 2;
        }
        long compared = 0, agree = 0, agreeShuffled = 0;
        for (int t = 0; t < 8; t++) {
            // the spatial transform alone, which keeps the padding visible as label −1
            Patch p = SpatialTransform.draw(settings, patch, new SplittableRandom(t)).apply(c, centre);
            Patch other = SpatialTransform.draw(settings, patch, new SplittableRandom(t + 100)).apply(c, centre);
            int[] s = Grid.three(patch);
            for (int v = 0; v < p.voxels(); v++) {
                if (p.label()[v] < 0 || nearBoundary(p.label(), s, v) || other.label()[v] < 0) {
                    continue;
                }
                compared++;
                agree += Math.round(p.image()[v]) == p.label()[v] ? 1 : 0;
                agreeShuffled += Math.round(p.image()[v]) == other.label()[v] ? 1 : 0;
            }
        }
        assertTrue(compared > 1000, "too few voxels compared: " + compared);
        assertTrue(agree > 0.99 * compared, agree + " of " + compared);
        assertTrue(agreeShuffled < 0.9 * compared, "control: " + agreeShuffled + " of " + compared);
    }

    /**
     * The sharper version of the alignment check: the image channels carry the case coordinates, so rounding them
     * gives the voxel the label should have come from. On a checkerboard label, any offset between the image and the
     * label mapping (even below a voxel) picks a neighbour of the other colour somewhere.
     */
    @Test
    void labelComesFromTheVoxelTheImageWasInterpolatedAt() {
        for (int[][] setup : new int[][][] { { { 80, 72 }, { 48, 48 } }, { { 40, 36, 32 }, { 24, 24, 24 } } }) {
            int[] caseShape = setup[0], patch = setup[1];
            PreprocessedCase c = SamplingFixtures.coordinates(caseShape);
            int[] cs = Grid.three(caseShape), ps = Grid.three(patch);
            int[] centre = new int[caseShape.length];
            for (int d = 0; d < centre.length; d++) {
                centre[d] = caseShape[d] / 2;
            }
            long compared = 0, agree = 0;
            for (AugmentationSettings settings : List.of(SPATIAL, ELASTIC)) {
                for (int t = 0; t < 6; t++) {
                    Patch p = SpatialTransform.draw(settings, patch, new SplittableRandom(t)).apply(c, centre);
                    int n = p.voxels();
                    for (int v = 0; v < n; v++) {
                        if (nearPadding(p.label(), ps, v)) {
                            continue;
                        }
                        int i = Math.round(p.image()[v]), j = Math.round(p.image()[n + v]);
                        int k = caseShape.length == 3 ? Math.round(p.image()[2 * n + v]) : 0;
                        compared++;
                        agree += p.label()[v] == c.label()[SamplingFixtures.index(cs, i, j, k)] ? 1 : 0;
                    }
                }
            }
            assertTrue(compared > 5000, "compared " + compared);
            // only ties (a coordinate within float rounding of x.5) may go either way
            assertTrue(agree > 0.999 * compared, Arrays.toString(caseShape) + ": " + agree + " of " + compared);
        }
    }

    /** Whether the voxel or a neighbour (3×3[×3], clipped to the patch) is padding. */
    private static boolean nearPadding(short[] label, int[] s, int v) {
        int i = v % s[0], j = (v / s[0]) % s[1], k = v / (s[0] * s[1]);
        for (int dk = s[2] > 1 ? -1 : 0; dk <= (s[2] > 1 ? 1 : 0); dk++) {
            for (int dj = -1; dj <= 1; dj++) {
                for (int di = -1; di <= 1; di++) {
                    int a = i + di, b = j + dj, e = k + dk;
                    if (a >= 0 && a < s[0] && b >= 0 && b < s[1] && e >= 0 && e < s[2]
                            && label[(e * s[1] + b) * s[0] + a] < 0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether any neighbour (3×3[×3], clipped to the patch) has another label. */
    private static boolean nearBoundary(short[] label, int[] s, int v) {
        int i = v % s[0], j = (v / s[0]) % s[1], k = v / (s[0] * s[1]);
        for (int dk = s[2] > 1 ? -1 : 0; dk <= (s[2] > 1 ? 1 : 0); dk++) {
            for (int dj = -1; dj <= 1; dj++) {
                for (int di = -1; di <= 1; di++) {
                    int a = i + di, b = j + dj, e = k + dk;
                    if (a >= 0 && a < s[0] && b >= 0 && b < s[1] && e >= 0 && e < s[2]
                            && label[(e * s[1] + b) * s[0] + a] != label[v]) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @Test
    void spatialTransformsActuallyMoveThePatch() {
        PreprocessedCase c = SamplingFixtures.labelColoured(new int[] { 96, 96 });
        Patch plain = SpatialTransform.identity(new int[] { 64, 64 }).apply(c, new int[] { 48, 48 });
        Patch moved = new Augmenter(SPATIAL, new int[] { 64, 64 }).augment(c, new int[] { 48, 48 }, new SplittableRandom(3));
        int differ = 0;
        for (int v = 0; v < plain.voxels(); v++) {
            differ += plain.label()[v] != moved.label()[v] ? 1 : 0;
        }
        assertTrue(differ > 200, "augmentation changed only " + differ + " voxels");
    }

    @Test
    void mirroringTwiceIsTheIdentityAndOnceIsAFlip() {
        int[] shape = { 7, 5, 9 }; // odd sizes: the mirrored window is then exactly the patch
        PreprocessedCase c = SamplingFixtures.positions(shape);
        int[] centre = { 3, 2, 4 };
        SpatialTransform m = SpatialTransform.mirroring(shape, true, false, true);
        Patch once = m.apply(c, centre);
        Patch twice = m.apply(new PreprocessedCase("once", c.shape(), once.image(), once.label(), null), centre);
        assertArrayEquals(c.image(), twice.image());
        assertArrayEquals(c.label(), twice.label());
        // voxel (0, 1, 2) of the mirrored patch is voxel (6, 1, 6) of the case
        assertEquals(6 + 1000 + 6e6f, once.image()[SamplingFixtures.index(Grid.three(shape), 0, 1, 2)]);
    }

    @Test
    void intensityTransformsLeaveTheLabelAlone() {
        PreprocessedCase c = SamplingFixtures.labelColoured(new int[] { 48, 48 });
        AugmentationSettings all = SPATIAL.toBuilder().noise(1, new Range(0.1, 0.1)).blur(1, 1, new Range(0.5, 1))
                .brightness(1, new Range(0.75, 1.25)).contrast(1, new Range(0.75, 1.25))
                .lowResolution(1, 1, new Range(0.5, 1)).gamma(1, 1, new Range(0.7, 1.5), true).build();
        int[] patch = { 32, 32 };
        Patch a = new Augmenter(SPATIAL, patch).augment(c, new int[] { 24, 24 }, new SplittableRandom(9));
        Patch b = new Augmenter(all, patch).augment(c, new int[] { 24, 24 }, new SplittableRandom(9));
        assertArrayEquals(a.label(), b.label(), "same geometry for the same seed, labels untouched");
        assertNotEquals(java.util.Arrays.hashCode(a.image()), java.util.Arrays.hashCode(b.image()));
    }

    /**
     * nnU-Net's closing transforms on a two-channel head on an exactly-zero surround, extracted past the case border:
     * where the unaugmented patch is unknown (−1: outside the non-zero mask or beyond the case), the channel
     * normalised within the mask is exactly 0 again after noise, brightness and contrast, the other channel keeps its
     * augmented values, and the label is background; everywhere else the label is unchanged.
     */
    @Test
    void outsideTheMaskMaskedChannelsReturnToZeroAndTheLabelToBackground() {
        int size = 24;
        int n = size * size;
        float[] image = new float[2 * n];
        short[] label = new short[n];
        for (int j = 0, v = 0; j < size; j++) {
            for (int i = 0; i < size; i++, v++) {
                double r = Math.hypot(i - 12, j - 11);
                label[v] = r > 9 ? NonzeroCrop.OUTSIDE : r < 3 ? (short) 1 : 0;
                image[v] = r > 9 ? 0 : 1 + (float) Math.cos(i);
                image[n + v] = image[v];
            }
        }
        PreprocessedCase c = new PreprocessedCase("head", new long[] { size, size }, image, label, null);
        int[] patch = { 32, 32 };
        int[] centre = { 12, 12 };
        AugmentationSettings intensity = AugmentationSettings.none().toBuilder().noise(1, new Range(0.1, 0.1))
                .brightness(1, new Range(0.8, 0.8)).contrast(1, new Range(1.2, 1.2)).build();
        Patch raw = SpatialTransform.identity(patch).apply(c, centre);
        Patch p = new Augmenter(intensity, patch, new boolean[] { true, false }).augment(c, centre,
                new SplittableRandom(4));
        int voxels = p.voxels();
        int outsideMask = 0;
        int padding = 0;
        int otherChannelChanged = 0;
        for (int v = 0; v < voxels; v++) {
            if (raw.label()[v] < 0) {
                boolean beyondCase = isPadding(v, patch, centre, size);
                padding += beyondCase ? 1 : 0;
                outsideMask += beyondCase ? 0 : 1;
                assertEquals(0, p.label()[v], "label at " + v);
                assertEquals(0f, p.image()[v], "masked channel at " + v);
                otherChannelChanged += p.image()[voxels + v] != 0f ? 1 : 0;
            } else {
                assertEquals(raw.label()[v], p.label()[v], "label at " + v);
            }
        }
        assertTrue(outsideMask > 50 && padding > 50, outsideMask + " outside the mask, " + padding + " padding");
        assertEquals(outsideMask + padding, otherChannelChanged, "the unmasked channel keeps its augmentation");
        assertNotEquals(0f, p.image()[voxels / 2 + 16], "inside the head the masked channel is augmented, not zeroed");
    }

    /** Whether patch voxel v (identity transform at centre) lies beyond a square case of this size. */
    private static boolean isPadding(int v, int[] patch, int[] centre, int size) {
        int i = centre[0] + v % patch[0] - patch[0] / 2;
        int j = centre[1] + v / patch[0] - patch[1] / 2;
        return i < 0 || j < 0 || i >= size || j >= size;
    }

    @Test
    void noiseHasTheRequestedStandardDeviation() {
        float[] img = new float[200_000];
        IntensityTransforms.noise(img, 0, img.length, 0.1, new SplittableRandom(1));
        double[] ms = meanStd(img);
        assertEquals(0, ms[0], 0.001);
        assertEquals(0.1, ms[1], 0.002);
    }

    @Test
    void gammaKeepsTheRangeOrTheStatistics() {
        float[] img = ramp(1000, -2, 3);
        float[] g = img.clone();
        IntensityTransforms.gamma(g, 0, g.length, 1.5, false, false);
        assertEquals(-2, min(g), 1e-5);
        assertEquals(3, max(g), 1e-5);
        assertTrue(g[500] < img[500] - 0.1, "gamma > 1 darkens the middle");
        float[] inv = img.clone();
        IntensityTransforms.gamma(inv, 0, inv.length, 1.5, true, false);
        assertEquals(-2, min(inv), 1e-5);
        assertEquals(3, max(inv), 1e-5);
        assertTrue(inv[500] > img[500] + 0.1, "inverted gamma > 1 brightens the middle");
        float[] kept = img.clone();
        IntensityTransforms.gamma(kept, 0, kept.length, 0.7, false, true);
        assertArrayEquals(meanStd(img), meanStd(kept), 1e-4);
        assertNotEquals(img[500], kept[500], 1e-3);
    }

    @Test
    void brightnessAndContrast() {
        float[] img = ramp(1001, -1, 3);
        float[] b = img.clone();
        IntensityTransforms.brightness(b, 0, b.length, 1.2);
        assertEquals(3.6, max(b), 1e-5);
        float[] c = img.clone();
        IntensityTransforms.contrast(c, 0, c.length, 1.25);
        assertEquals(meanStd(img)[0], meanStd(c)[0], 0.02, "mean about the same (clipping shifts it slightly)");
        assertTrue(meanStd(c)[1] > meanStd(img)[1], "more contrast");
        assertTrue(min(c) >= -1 && max(c) <= 3, "range preserved");
        float[] low = img.clone();
        IntensityTransforms.contrast(low, 0, low.length, 0.75);
        assertEquals(0.75 * meanStd(img)[1], meanStd(low)[1], 1e-4);
    }

    @Test
    void blurSpreadsAnImpulseWithTheRequestedSigma() {
        int[] shape = { 41, 41 };
        float[] img = new float[41 * 41];
        img[20 * 41 + 20] = 1;
        IntensityTransforms.blur(img, 0, shape, new double[] { 1.0, 2.0 }); // below σ ≈ 0.8 the sampled kernel's variance falls short of σ²
        double sum = 0, varI = 0, varJ = 0;
        for (int v = 0; v < img.length; v++) {
            sum += img[v];
            varI += img[v] * Math.pow(v % 41 - 20, 2);
            varJ += img[v] * Math.pow(v / 41 - 20, 2);
        }
        assertEquals(1, sum, 1e-5);
        assertEquals(1.0, varI, 0.03);
        assertEquals(4.0, varJ, 0.1);
        float[] flat = new float[41 * 41];
        java.util.Arrays.fill(flat, 2.5f);
        IntensityTransforms.blur(flat, 0, shape, new double[] { 1, 1 });
        assertEquals(2.5, min(flat), 1e-5);
        assertEquals(2.5, max(flat), 1e-5);
    }

    @Test
    void lowResolutionRemovesFineDetailButKeepsSmoothImages() {
        int[] shape = { 32, 32, 16 };
        int n = 32 * 32 * 16;
        float[] checker = new float[n];
        float[] smooth = new float[n];
        for (int v = 0; v < n; v++) {
            int i = v % 32, j = (v / 32) % 32, k = v / 1024;
            checker[v] = (i + j + k) % 2;
            smooth[v] = i + 2 * j + 3 * k;
        }
        float[] same = checker.clone();
        IntensityTransforms.lowResolution(same, 0, shape, 1);
        assertArrayEquals(checker, same, "zoom 1 changes nothing");
        float[] c = checker.clone();
        IntensityTransforms.lowResolution(c, 0, shape, 0.5);
        int changed = 0;
        for (int v = 0; v < n; v++) {
            changed += Math.abs(c[v] - checker[v]) > 0.25 ? 1 : 0;
        }
        assertTrue(changed > n / 3, "a one-voxel checkerboard cannot survive halving: " + changed);
        float[] s = smooth.clone();
        IntensityTransforms.lowResolution(s, 0, shape, 0.5);
        // nearest downsampling by 2 shifts by half a voxel (a whole one at the border, where interpolation clamps):
        // with slopes 1, 2, 3 along i, j, k the error is at most 3 inside and 6 in the corners
        double err = 0, interior = 0;
        for (int v = 0; v < n; v++) {
            int i = v % 32, j = (v / 32) % 32, k = v / 1024;
            double e = Math.abs(s[v] - smooth[v]);
            err = Math.max(err, e);
            if (i > 0 && i < 31 && j > 0 && j < 31 && k > 0 && k < 15) {
                interior = Math.max(interior, e);
            }
        }
        assertTrue(interior <= 3 + 1e-3 && err <= 6 + 1e-3, "a linear ramp survives: " + interior + ", " + err);
    }

    private static float[] ramp(int n, float lo, float hi) {
        float[] r = new float[n];
        for (int v = 0; v < n; v++) {
            r[v] = lo + (hi - lo) * v / (n - 1);
        }
        return r;
    }

    private static double[] meanStd(float[] x) {
        double m = 0, q = 0;
        for (float v : x) {
            m += v;
            q += (double) v * v;
        }
        m /= x.length;
        return new double[] { m, Math.sqrt(q / x.length - m * m) };
    }

    private static float min(float[] x) {
        float m = Float.POSITIVE_INFINITY;
        for (float v : x) {
            m = Math.min(m, v);
        }
        return m;
    }

    private static float max(float[] x) {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : x) {
            m = Math.max(m, v);
        }
        return m;
    }
}
