package io.medseg.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.medseg.engine.EngineTest;
import io.medseg.preprocessing.NonzeroCrop;
import io.medseg.preprocessing.PreprocessedCase;
import io.medseg.preprocessing.sampling.AugmentationSettings;
import io.medseg.preprocessing.sampling.Augmenter;
import io.medseg.preprocessing.sampling.Batch;
import io.medseg.preprocessing.sampling.Patch;

/**
 * The loss against plain-Java loops written from nnU-Net's definitions (fp64, tiny tensors), and its gradient against
 * central finite differences.
 */
class LossTest extends EngineTest {
    private static final int B = 2;
    private static final int K = 3;
    private static final int H = 2;
    private static final int W = 3;
    private static final int N = H * W;

    private final Random random = new Random(7);

    private double[] randomLogits() {
        double[] x = new double[B * K * N];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian() * 2;
        }
        return x;
    }

    /** Labels with every class present in both samples. */
    private static int[] labels() {
        return new int[] { 0, 1, 2, 2, 0, 1, /* sample 2 */ 1, 0, 0, 1, 2, 0 };
    }

    private NDArray logitsArray(double[] x) {
        return manager.create(x, new Shape(B, K, H, W));
    }

    private NDArray labelArray(int[] y) {
        return manager.create(y, new Shape(B, H, W));
    }

    private static double x(double[] logits, int b, int k, int n) {
        return logits[(b * K + k) * N + n];
    }

    private static double[] softmax(double[] logits, int b, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < K; k++) {
            max = Math.max(max, x(logits, b, k, n));
        }
        double[] p = new double[K];
        double sum = 0;
        for (int k = 0; k < K; k++) {
            p[k] = Math.exp(x(logits, b, k, n) - max);
            sum += p[k];
        }
        for (int k = 0; k < K; k++) {
            p[k] /= sum;
        }
        return p;
    }

    /** PyTorch's weighted-mean CE, by loops. */
    private static double referenceCe(double[] logits, int[] labels, double[] classWeights) {
        double num = 0;
        double den = 0;
        for (int b = 0; b < B; b++) {
            for (int n = 0; n < N; n++) {
                int y = labels[b * N + n];
                double w = classWeights == null ? 1 : classWeights[y];
                num += -w * Math.log(softmax(logits, b, n)[y]);
                den += w;
            }
        }
        return num / den;
    }

    /** MemoryEfficientSoftDiceLoss(do_bg=False, smooth=1e-5) without a loss mask, by loops. */
    private static double referenceDice(double[] logits, int[] labels, boolean batchDice) {
        double[][] tp = new double[B][K];
        double[][] pred = new double[B][K];
        double[][] gt = new double[B][K];
        for (int b = 0; b < B; b++) {
            for (int n = 0; n < N; n++) {
                int y = labels[b * N + n];
                double[] p = softmax(logits, b, n);
                for (int k = 1; k < K; k++) {
                    pred[b][k] += p[k];
                    if (y == k) {
                        tp[b][k] += p[k];
                        gt[b][k] += 1;
                    }
                }
            }
        }
        double sum = 0;
        int count = 0;
        for (int k = 1; k < K; k++) {
            if (batchDice) {
                double i = 0, p = 0, g = 0;
                for (int b = 0; b < B; b++) {
                    i += tp[b][k];
                    p += pred[b][k];
                    g += gt[b][k];
                }
                sum += (2 * i + 1e-5) / Math.max(g + p + 1e-5, 1e-8);
                count++;
            } else {
                for (int b = 0; b < B; b++) {
                    sum += (2 * tp[b][k] + 1e-5) / Math.max(gt[b][k] + pred[b][k] + 1e-5, 1e-8);
                    count++;
                }
            }
        }
        return -sum / count;
    }

    private static double value(NDArray a) {
        return a.toType(DataType.FLOAT64, false).getDouble();
    }

    @Test
    void crossEntropyMatchesLoopWithAndWithoutClassWeights() {
        double[] logits = randomLogits();
        int[] y = labels();
        assertEquals(referenceCe(logits, y, null), value(new CrossEntropyLoss().apply(logitsArray(logits),
                labelArray(y))), 1e-12);
        double[] weights = { 0.2, 1.5, 3.0 };
        double weighted = value(new CrossEntropyLoss(weights).apply(logitsArray(logits), labelArray(y)));
        assertEquals(referenceCe(logits, y, weights), weighted, 1e-12);
        assertTrue(Math.abs(weighted - referenceCe(logits, y, null)) > 1e-3, "class weights had no effect");
    }

    @Test
    void softDiceMatchesLoopPerSampleAndBatch() {
        double[] logits = randomLogits();
        int[] y = labels();
        double perSample = value(new SoftDiceLoss(false).apply(logitsArray(logits), labelArray(y)));
        double batch = value(new SoftDiceLoss(true).apply(logitsArray(logits), labelArray(y)));
        assertEquals(referenceDice(logits, y, false), perSample, 1e-12);
        assertEquals(referenceDice(logits, y, true), batch, 1e-12);
        assertTrue(Math.abs(perSample - batch) > 1e-6, "batch Dice should differ from per-sample Dice here");
    }

    @Test
    void combinedLossIsCePlusDice() {
        double[] logits = randomLogits();
        int[] y = labels();
        double expected = referenceCe(logits, y, null) + referenceDice(logits, y, true);
        assertEquals(expected, value(new SegmentationLoss(true).apply(logitsArray(logits), labelArray(y))), 1e-12);
    }

    /**
     * nnU-Net trains the voxels outside the non-zero region (label −1 after cropping) and the padding beyond the case
     * as background: a 2×2 case with two such voxels, extracted unaugmented into 2×3 patches that also reach past its
     * border, gives the targets written out by hand below, and the loss on them is the loops' CE + Dice with those
     * voxels as class 0. Moving the logits there moves the loss, which ignoring them would not.
     */
    @Test
    void outsideTheNonzeroRegionAndPaddingAreTrainedAsBackground() {
        // case voxel (i, j) at j·2 + i: (0,0) outside, (1,0) organ, (0,1) lesion, (1,1) outside
        PreprocessedCase c = new PreprocessedCase("masked", new long[] { 2, 2 }, new float[] { 0, 5, 6, 0 },
                new short[] { NonzeroCrop.OUTSIDE, 1, 2, NonzeroCrop.OUTSIDE }, null);
        int[] patch = { H, W };
        Augmenter plain = new Augmenter(AugmentationSettings.none(), patch);
        // centre (1,1): patch voxel (x0, x1) reads case (x0, x1), x1 = 2 is padding; centre (1,0): case (x0, x1 − 1)
        Patch first = plain.augment(c, new int[] { 1, 1 }, new SplittableRandom(1));
        Patch second = plain.augment(c, new int[] { 1, 0 }, new SplittableRandom(2));
        short[] labels = new short[2 * N];
        System.arraycopy(first.label(), 0, labels, 0, N);
        System.arraycopy(second.label(), 0, labels, N, N);
        Batch batch = new Batch(0, B, 1, patch, new float[2 * N], labels, new boolean[B]);
        NDArray targets = BatchTensors.labels(batch, 0, B, manager);
        // in this test's (b, h, w) order, n = x0·3 + x1
        int[] expected = { 0, 2, 0, 1, 0, 0, /* sample 2 */ 0, 0, 2, 0, 1, 0 };
        assertArrayEquals(expected, targets.toType(DataType.INT32, false).toIntArray());
        double[] logits = randomLogits();
        SegmentationLoss loss = new SegmentationLoss(true);
        double value = value(loss.apply(logitsArray(logits), targets));
        assertEquals(referenceCe(logits, expected, null) + referenceDice(logits, expected, true), value, 1e-12);
        // n = 0 of sample 1 was outside the non-zero region, n = 5 of sample 2 padding
        for (int k = 0; k < K; k++) {
            logits[(0 * K + k) * N] += 2 * (k + 1);
            logits[(1 * K + k) * N + 5] -= 2 * (k + 1);
        }
        assertTrue(Math.abs(value(loss.apply(logitsArray(logits), targets)) - value) > 1e-3,
                "the outside voxels did not count");
    }

    /**
     * No label is ignored any more: an unconverted −1 (or a class beyond the network's) would drop out of the one-hot
     * targets silently, so it is refused with the range found.
     */
    @Test
    void labelsOutsideTheClassesAreRefused() {
        int[] y = labels();
        y[4] = -1;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SegmentationLoss(true).apply(logitsArray(randomLogits()), labelArray(y)));
        assertTrue(e.getMessage().contains("-1..2"), e.getMessage());
        y[4] = K;
        assertThrows(IllegalArgumentException.class,
                () -> new CrossEntropyLoss().apply(logitsArray(randomLogits()), labelArray(y)));
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        double[] logits = randomLogits();
        int[] y = labels();
        SegmentationLoss loss = new SegmentationLoss(new CrossEntropyLoss(new double[] { 0.5, 1, 2 }),
                new SoftDiceLoss(false), 1, 1);
        NDArray x = logitsArray(logits);
        x.setRequiresGradient(true);
        try (GradientCollector gc = engine.newGradientCollector()) {
            gc.backward(loss.apply(x, labelArray(y)));
        }
        double[] analytic = x.getGradient().toDoubleArray();
        double h = 1e-6;
        double maxAbs = 0;
        for (int i = 0; i < logits.length; i++) {
            double[] plus = logits.clone();
            double[] minus = logits.clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (value(loss.apply(logitsArray(plus), labelArray(y)))
                    - value(loss.apply(logitsArray(minus), labelArray(y)))) / (2 * h);
            assertEquals(numeric, analytic[i], 1e-7, "d loss / d logit " + i);
            maxAbs = Math.max(maxAbs, Math.abs(analytic[i]));
        }
        assertTrue(maxAbs > 1e-3, "gradient vanished");
    }

    @Test
    void deepSupervisionWeightsFollowNnUNet() {
        assertArrayEquals(new double[] { 1 }, DeepSupervisionLoss.weights(1), 0);
        assertArrayEquals(new double[] { 1, 0 }, DeepSupervisionLoss.weights(2), 0);
        assertArrayEquals(new double[] { 4 / 7.0, 2 / 7.0, 1 / 7.0, 0 }, DeepSupervisionLoss.weights(4), 1e-15);
    }

    @Test
    void downsamplingTakesTheNearestExactVoxel() {
        int[] y = new int[16];
        for (int i = 0; i < 16; i++) {
            y[i] = i;
        }
        NDArray labels = manager.create(y, new Shape(1, 4, 4));
        NDArray head = manager.zeros(new Shape(1, 2, 2, 2), DataType.FLOAT64);
        assertArrayEquals(new int[] { 5, 7, 13, 15 }, DeepSupervisionLoss.downsample(labels, head).toIntArray());
        NDArray anisotropic = manager.zeros(new Shape(1, 2, 4, 1), DataType.FLOAT64);
        assertArrayEquals(new int[] { 2, 6, 10, 14 }, DeepSupervisionLoss.downsample(labels, anisotropic)
                .toIntArray());
        assertThrows(IllegalArgumentException.class,
                () -> DeepSupervisionLoss.downsample(labels, manager.zeros(new Shape(1, 2, 3, 3))));
    }

    @Test
    void deepSupervisionIsTheWeightedSumOverHeads() {
        double[] full = randomLogits();
        int[] y = labels();
        // heads at (2, 3), (1, 3) and (1, 1): weights 4/7, 2/7, 0 renormalised over the supervised pair to 2/3, 1/3
        double[] coarse = new double[B * K];
        for (int i = 0; i < coarse.length; i++) {
            coarse[i] = random.nextGaussian();
        }
        NDArray coarseHead = manager.create(coarse, new Shape(B, K, 1, 1));
        double[] mid = new double[B * K * 3];
        for (int i = 0; i < mid.length; i++) {
            mid[i] = random.nextGaussian();
        }
        NDArray midHead = manager.create(mid, new Shape(B, K, 1, 3));
        SegmentationLoss base = new SegmentationLoss(false);
        NDArray labelMap = labelArray(y);
        double total = value(new DeepSupervisionLoss(base).apply(new NDList(logitsArray(full), midHead, coarseHead),
                labelMap));
        // mid head sees row 1 of each sample (nearest-exact with factor 2 picks index 1)
        int[] midLabels = { y[3], y[4], y[5], y[9], y[10], y[11] };
        double expected = 2 / 3.0 * value(base.apply(logitsArray(full), labelMap))
                + 1 / 3.0 * value(base.apply(midHead, manager.create(midLabels, new Shape(B, 1, 3))));
        assertEquals(expected, total, 1e-12);
        double given = value(new DeepSupervisionLoss(base).apply(new NDList(logitsArray(full), midHead, coarseHead),
                List.of(labelMap, manager.create(midLabels, new Shape(B, 1, 3)), manager.zeros(new Shape(B, 1, 1),
                        DataType.INT32))));
        assertEquals(expected, given, 1e-12);
    }
}
