package io.medseg.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.medseg.engine.EngineTest;

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

    /** Labels with every class present and two ignored voxels. */
    private static int[] labels() {
        return new int[] { 0, 1, 2, 2, -1, 1, /* sample 2 */ 1, 0, 0, -1, 2, 0 };
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

    /** PyTorch's weighted-mean CE with ignore_index −1, by loops. */
    private static double referenceCe(double[] logits, int[] labels, double[] classWeights) {
        double num = 0;
        double den = 0;
        for (int b = 0; b < B; b++) {
            for (int n = 0; n < N; n++) {
                int y = labels[b * N + n];
                if (y < 0) {
                    continue;
                }
                double w = classWeights == null ? 1 : classWeights[y];
                num += -w * Math.log(softmax(logits, b, n)[y]);
                den += w;
            }
        }
        return num / den;
    }

    /** MemoryEfficientSoftDiceLoss(do_bg=False, smooth=1e-5) with the ignore mask, by loops. */
    private static double referenceDice(double[] logits, int[] labels, boolean batchDice) {
        double[][] tp = new double[B][K];
        double[][] pred = new double[B][K];
        double[][] gt = new double[B][K];
        for (int b = 0; b < B; b++) {
            for (int n = 0; n < N; n++) {
                int y = labels[b * N + n];
                if (y < 0) {
                    continue;
                }
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
    void crossEntropyMatchesLoopWithIgnoreAndClassWeights() {
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
    void ignoredVoxelsDoNotChangeTheLoss() {
        double[] logits = randomLogits();
        int[] y = labels();
        double before = value(new SegmentationLoss(false).apply(logitsArray(logits), labelArray(y)));
        // change the logits only where the label is ignored (indices 4 and 9 of the flattened (B, N) map)
        for (int k = 0; k < K; k++) {
            logits[(0 * K + k) * N + 4] += 5 * (k + 1);
            logits[(1 * K + k) * N + 3] -= 3 * (k + 1);
        }
        double after = value(new SegmentationLoss(false).apply(logitsArray(logits), labelArray(y)));
        assertEquals(before, after, 1e-12);
    }

    @Test
    void combinedLossIsCePlusDice() {
        double[] logits = randomLogits();
        int[] y = labels();
        double expected = referenceCe(logits, y, null) + referenceDice(logits, y, true);
        assertEquals(expected, value(new SegmentationLoss(true).apply(logitsArray(logits), labelArray(y))), 1e-12);
    }

    @Test
    void crossEntropyIsZeroWhenEverythingIsIgnored() {
        int[] y = new int[B * N];
        java.util.Arrays.fill(y, -1);
        assertEquals(0, value(new CrossEntropyLoss().apply(logitsArray(randomLogits()), labelArray(y))), 0);
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
