package io.medseg.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.medseg.MedSegException;
import io.medseg.image.Geometry;
import io.medseg.image.ImageDataType;

class PhantomGeneratorTest {
    private static final int[] SMALL_3D = { 32, 32, 32 };
    private static final int[] SMALL_2D = { 64, 64 };
    private static final int CASES = 8;

    @Test
    void sameSeedAndIndexGiveIdenticalCase() {
        SyntheticCase a = PhantomGenerator.generate(SMALL_3D, 7, 3);
        SyntheticCase b = PhantomGenerator.generate(SMALL_3D, 7, 3);
        assertArrayEquals(Voxels.of(a.image()), Voxels.of(b.image()));
        assertArrayEquals(Voxels.of(a.label()), Voxels.of(b.label()));
        assertEquals(a.image().geometry(), b.image().geometry());
    }

    @Test
    void differentSeedOrIndexGiveDifferentCases() {
        int[] base = Voxels.of(PhantomGenerator.generate(SMALL_3D, 7, 3).image());
        assertFalse(Arrays.equals(base, Voxels.of(PhantomGenerator.generate(SMALL_3D, 8, 3).image())));
        assertFalse(Arrays.equals(base, Voxels.of(PhantomGenerator.generate(SMALL_3D, 7, 4).image())));
    }

    @Test
    void storesHuAsInt16AndLabelsAsUint8WithSharedGeometry() {
        for (int[] shape : new int[][] { SMALL_3D, SMALL_2D }) {
            SyntheticCase c = PhantomGenerator.generate(shape, 1, 0);
            assertEquals(ImageDataType.INT16, c.image().dataType());
            assertEquals(ImageDataType.UINT8, c.label().dataType());
            assertArrayEquals(Arrays.stream(shape).asLongStream().toArray(), c.image().shape());
            assertArrayEquals(c.image().shape(), c.label().shape());
            assertEquals(1, c.image().channels());
            assertEquals(c.image().geometry(), c.label().geometry());
        }
    }

    @Test
    void labelsAreBackgroundOrganLesionAndEveryCaseHasAnOrgan() {
        for (int[] shape : new int[][] { SMALL_3D, SMALL_2D }) {
            Set<Integer> all = new TreeSet<>();
            for (int i = 0; i < CASES; i++) {
                SyntheticCase c = PhantomGenerator.generate(shape, 11, i);
                Set<Integer> values = new TreeSet<>();
                for (int v : Voxels.of(c.label())) {
                    values.add(v);
                }
                assertTrue(values.contains(0) && values.contains(1), "case " + i + " labels " + values);
                assertEquals(c.lesions() > 0, values.contains(2), "case " + i + ": lesions " + c.lesions());
                all.addAll(values);
            }
            assertEquals(Set.of(0, 1, 2), all, Arrays.toString(shape));
        }
    }

    @Test
    void everyLesionVoxelIsSurroundedByOrganOrLesion() {
        for (int[] shape : new int[][] { SMALL_3D, SMALL_2D, { 48, 40, 24 } }) {
            for (int i = 0; i < CASES; i++) {
                SyntheticCase c = PhantomGenerator.generate(shape, 5, i);
                int[] label = Voxels.of(c.label());
                int ni = shape[0];
                int nj = shape[1];
                int nk = shape.length == 3 ? shape[2] : 1;
                int dkMax = shape.length == 3 ? 1 : 0;
                for (int k = 0; k < nk; k++) {
                    for (int j = 0; j < nj; j++) {
                        for (int x = 0; x < ni; x++) {
                            if (label[x + ni * (j + nj * k)] != PhantomLabels.LESION) {
                                continue;
                            }
                            for (int dk = -dkMax; dk <= dkMax; dk++) {
                                for (int dj = -1; dj <= 1; dj++) {
                                    for (int di = -1; di <= 1; di++) {
                                        int xx = x + di;
                                        int jj = j + dj;
                                        int kk = k + dk;
                                        // a lesion at the image border would itself be a failure: it is not inside
                                        assertTrue(xx >= 0 && xx < ni && jj >= 0 && jj < nj && kk >= 0 && kk < nk);
                                        int n = label[xx + ni * (jj + nj * kk)];
                                        assertTrue(n == PhantomLabels.ORGAN || n == PhantomLabels.LESION,
                                                "case " + i + " lesion voxel " + x + "," + j + "," + k
                                                        + " touches label " + n);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The phantoms must not be solvable by intensity alone: the best global threshold (either polarity) separating
     * lesion from organ voxels, chosen with knowledge of the labels, still gets a poor Dice.
     */
    @Test
    void noGlobalThresholdSeparatesLesionFromOrgan() {
        int withLesions = 0;
        double worst = 0;
        for (int[] shape : new int[][] { SMALL_3D, SMALL_2D }) {
            for (int i = 0; i < CASES; i++) {
                SyntheticCase c = PhantomGenerator.generate(shape, 3, i);
                if (c.lesions() == 0) {
                    continue;
                }
                withLesions++;
                double dice = bestThresholdDice(Voxels.of(c.image()), Voxels.of(c.label()));
                worst = Math.max(worst, dice);
                assertTrue(dice < 0.8, "case " + i + " of " + Arrays.toString(shape) + ": threshold Dice " + dice);
            }
        }
        assertTrue(withLesions >= 6, "too few cases with lesions to judge: " + withLesions);
        assertTrue(worst > 0, "Dice computation found no lesion voxels at all");
    }

    /**
     * Every labelled lesion can be seen in its image: measured on the default 2D size, each lesion (or, for a rimmed
     * lesion, its core: the lesion eroded until the remainder is the most visible) stands out from the organ around
     * it by Rose's c·sqrt(N)/sigma of at least 3, with sigma the noise measured in the organ.
     */
    @Test
    void everyLesionIsVisibleAboveTheNoise() {
        int[] shape = PhantomGenerator.DEFAULT_SHAPE_2D;
        int lesions = 0;
        for (int i = 0; i < 24; i++) {
            SyntheticCase c = PhantomGenerator.generate(shape, 5, i);
            int[] hu = Voxels.of(c.image());
            int[] label = Voxels.of(c.label());
            double sigma = organNoise(hu, label, shape);
            for (boolean[] lesion : components(label, PhantomLabels.LESION, shape)) {
                lesions++;
                double rose = bestRose(hu, label, lesion, shape, sigma);
                assertTrue(rose >= 3, "case " + i + ": a lesion of " + count(lesion) + " voxels has c*sqrt(N)/sigma "
                        + rose + " (noise " + sigma + " HU)");
            }
        }
        assertTrue(lesions >= 20, "too few lesions to judge: " + lesions);
    }

    @Test
    void roseContrastFallsWithLesionSizeAndRisesWithNoise() {
        // a disc of radius 10 voxels: 314 voxels, 94.4 % of its contrast kept after the blur
        double kept = 1 - 0.8 * PhantomGenerator.BLUR_SIGMA / 10;
        assertEquals(5 * 20 / (kept * Math.sqrt(Math.PI * 100)), PhantomAnatomy.roseContrast(10, 20), 1e-9);
        assertTrue(PhantomAnatomy.roseContrast(2, 20) > PhantomAnatomy.roseContrast(3, 20));
        assertEquals(2 * PhantomAnatomy.roseContrast(2, 10), PhantomAnatomy.roseContrast(2, 20), 1e-9);
    }

    @Test
    void intensitiesArePlausibleCtValues() {
        for (int[] shape : new int[][] { SMALL_3D, SMALL_2D }) {
            for (int i = 0; i < CASES; i++) {
                SyntheticCase c = PhantomGenerator.generate(shape, 21, i);
                int[] hu = Voxels.of(c.image());
                int[] label = Voxels.of(c.label());
                double organSum = 0;
                int organ = 0;
                int max = Integer.MIN_VALUE;
                int min = Integer.MAX_VALUE;
                for (int v = 0; v < hu.length; v++) {
                    if (label[v] == PhantomLabels.ORGAN) {
                        organSum += hu[v];
                        organ++;
                    }
                    max = Math.max(max, hu[v]);
                    min = Math.min(min, hu[v]);
                }
                double organMean = organSum / organ;
                assertTrue(organMean >= 40 && organMean <= 80, "case " + i + " organ mean " + organMean);
                assertTrue(min >= -1024, "below the CT range: " + min);
                assertTrue(max >= 400, "no bone in case " + i + ": max " + max);
                double air = cornerMean(hu, shape);
                assertEquals(-1000, air, 20, "case " + i + " air (image corners)");
            }
        }
    }

    @Test
    void threeDimensionalCasesHaveAnisotropicVariedSpacing() {
        Set<Double> slices = new HashSet<>();
        for (int i = 0; i < CASES; i++) {
            double[] s = PhantomGenerator.generate(new int[] { 16, 16, 16 }, 2, i).image().geometry().spacing();
            assertEquals(s[0], s[1], 1e-6);
            assertTrue(s[0] >= 0.6 - 1e-6 && s[0] <= 1.0 + 1e-6, Arrays.toString(s));
            assertTrue(s[2] >= 1.5 - 1e-6 && s[2] <= 3.0 + 1e-6, Arrays.toString(s));
            slices.add(Math.round(s[2] * 100) / 100.0);
        }
        assertTrue(slices.size() >= 3, "slice thickness hardly varies: " + slices);
    }

    @Test
    void headersUseVariedOrientations() {
        Set<String> directions = new HashSet<>();
        for (int i = 0; i < 24; i++) {
            double[][] d = PhantomGenerator.generate(new int[] { 16, 16, 16 }, 9, i).image().geometry().direction();
            directions.add(Arrays.deepToString(Arrays.stream(d).map(r -> Arrays.stream(r).map(Math::round).toArray())
                    .toArray()));
        }
        assertTrue(directions.size() >= 4, "orientations: " + directions);
    }

    /**
     * The anatomy follows the header: whatever the orientation, the organ lies on the patient's right (+x in RAS)
     * and the bone posterior (-y) of the field of view's centre, in world coordinates.
     */
    @Test
    void anatomyIsLaidOutInWorldCoordinates() {
        for (int[] shape : new int[][] { SMALL_3D, SMALL_2D }) {
            for (int i = 0; i < 12; i++) {
                SyntheticCase c = PhantomGenerator.generate(shape, 13, i);
                Geometry g = c.image().geometry();
                int[] hu = Voxels.of(c.image());
                int[] label = Voxels.of(c.label());
                double[] centre = g.toWorld(Arrays.stream(shape).mapToDouble(s -> (s - 1) / 2.0).toArray());
                double[] organ = new double[3];
                double[] bone = new double[3];
                int organCount = 0;
                int boneCount = 0;
                for (int v = 0; v < hu.length; v++) {
                    double[] w = g.toWorld(index(v, shape));
                    if (label[v] == PhantomLabels.ORGAN) {
                        organCount++;
                        organ[0] += w[0];
                    }
                    if (hu[v] > 300) { // vertebral marrow and cortex; nothing else is this bright
                        boneCount++;
                        bone[1] += w[1];
                    }
                }
                assertTrue(organ[0] / organCount > centre[0], "case " + i + ": organ not on the patient's right");
                assertTrue(boneCount > 0 && bone[1] / boneCount < centre[1], "case " + i + ": bone not posterior");
            }
        }
    }

    @Test
    void rejectsUnusableShapes() {
        assertThrows(MedSegException.class, () -> PhantomGenerator.generate(new int[] { 8, 32, 32 }, 1, 0));
        assertThrows(MedSegException.class, () -> PhantomGenerator.generate(new int[] { 32 }, 1, 0));
    }

    private static double[] index(int flat, int[] shape) {
        double[] idx = new double[shape.length];
        for (int d = 0; d < shape.length; d++) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    /** Mean of 3-voxel blocks at the corners of the first and last slice: outside the body, so air. */
    private static double cornerMean(int[] hu, int[] shape) {
        int nk = shape.length == 3 ? shape[2] : 1;
        double sum = 0;
        int n = 0;
        for (int k : new int[] { 0, nk - 1 }) {
            for (int j = 0; j < shape[1]; j++) {
                for (int i = 0; i < shape[0]; i++) {
                    boolean corner = (i < 3 || i >= shape[0] - 3) && (j < 3 || j >= shape[1] - 3);
                    if (corner) {
                        sum += hu[i + shape[0] * (j + shape[1] * k)];
                        n++;
                    }
                }
            }
        }
        return sum / n;
    }

    /** Noise standard deviation in the organ, from differences of horizontally adjacent organ voxels. */
    private static double organNoise(int[] hu, int[] label, int[] shape) {
        double sum = 0;
        int n = 0;
        for (int v = 0; v + 1 < hu.length; v++) {
            if (v % shape[0] + 1 < shape[0] && label[v] == PhantomLabels.ORGAN && label[v + 1] == PhantomLabels.ORGAN) {
                double d = hu[v + 1] - hu[v];
                sum += d * d;
                n++;
            }
        }
        return Math.sqrt(sum / n / 2);
    }

    /**
     * Rose's c·sqrt(N)/sigma of a 2D lesion at its most visible erosion depth, with c its mean minus the median of the
     * organ voxels 2 to 5 voxels around it.
     */
    private static double bestRose(int[] hu, int[] label, boolean[] lesion, int[] shape, double sigma) {
        boolean[] near = dilate(dilate(lesion, 2, shape), 3, shape);
        boolean[] inner = dilate(lesion, 2, shape);
        List<Integer> ring = new ArrayList<>();
        for (int v = 0; v < hu.length; v++) {
            if (near[v] && !inner[v] && label[v] == PhantomLabels.ORGAN) {
                ring.add(hu[v]);
            }
        }
        Collections.sort(ring);
        double background = ring.get(ring.size() / 2);
        double best = 0;
        for (boolean[] part = lesion; count(part) > 0; part = erode(part, shape)) {
            double sum = 0;
            int n = 0;
            for (int v = 0; v < hu.length; v++) {
                if (part[v]) {
                    sum += hu[v];
                    n++;
                }
            }
            best = Math.max(best, Math.abs(sum / n - background) * Math.sqrt(n) / sigma);
        }
        return best;
    }

    /** The 4-connected components of {@code value} in a 2D label map. */
    private static List<boolean[]> components(int[] label, int value, int[] shape) {
        List<boolean[]> parts = new ArrayList<>();
        boolean[] seen = new boolean[label.length];
        for (int start = 0; start < label.length; start++) {
            if (label[start] != value || seen[start]) {
                continue;
            }
            boolean[] part = new boolean[label.length];
            ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(start));
            seen[start] = true;
            while (!queue.isEmpty()) {
                int v = queue.poll();
                part[v] = true;
                for (int w : neighbours(v, shape)) {
                    if (label[w] == value && !seen[w]) {
                        seen[w] = true;
                        queue.add(w);
                    }
                }
            }
            parts.add(part);
        }
        return parts;
    }

    private static int[] neighbours(int v, int[] shape) {
        int i = v % shape[0];
        int j = v / shape[0];
        return IntStream.of(i > 0 ? v - 1 : v, i + 1 < shape[0] ? v + 1 : v,
                j > 0 ? v - shape[0] : v, j + 1 < shape[1] ? v + shape[0] : v).toArray();
    }

    private static boolean[] erode(boolean[] mask, int[] shape) {
        boolean[] out = new boolean[mask.length];
        for (int v = 0; v < mask.length; v++) {
            out[v] = mask[v] && Arrays.stream(neighbours(v, shape)).allMatch(w -> mask[w]);
        }
        return out;
    }

    private static boolean[] dilate(boolean[] mask, int steps, int[] shape) {
        boolean[] out = mask;
        for (int s = 0; s < steps; s++) {
            boolean[] in = out;
            out = new boolean[mask.length];
            for (int v = 0; v < mask.length; v++) {
                final int at = v;
                out[v] = in[v] || Arrays.stream(neighbours(at, shape)).anyMatch(w -> in[w]);
            }
        }
        return out;
    }

    private static int count(boolean[] mask) {
        int n = 0;
        for (boolean b : mask) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /** Best Dice over all global thresholds and both polarities, among organ and lesion voxels. */
    static double bestThresholdDice(int[] hu, int[] label) {
        int offset = 1024;
        long[] organ = new long[4096 + 1];
        long[] lesion = new long[4096 + 1];
        long lesions = 0;
        for (int v = 0; v < hu.length; v++) {
            if (label[v] == PhantomLabels.ORGAN) {
                organ[hu[v] + offset]++;
            } else if (label[v] == PhantomLabels.LESION) {
                lesion[hu[v] + offset]++;
                lesions++;
            }
        }
        double best = 0;
        for (int polarity = 0; polarity < 2; polarity++) {
            long tp = 0;
            long fp = 0;
            for (int t = 0; t < organ.length; t++) {
                int bin = polarity == 0 ? t : organ.length - 1 - t; // lesion = below / above the threshold
                tp += lesion[bin];
                fp += organ[bin];
                best = Math.max(best, 2.0 * tp / (2.0 * tp + fp + (lesions - tp)));
            }
        }
        return best;
    }
}
