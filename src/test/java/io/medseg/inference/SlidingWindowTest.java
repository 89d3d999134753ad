package io.medseg.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.medseg.engine.EngineTest;
import io.medseg.nn.layers.ConvNd;

/**
 * The sliding window against direct computations. References are built independently of the tiling code: the flat
 * image (first axis fastest) becomes an NDArray through a transpose, so a layout mistake in the tiles shows too.
 */
class SlidingWindowTest extends EngineTest {
    private static final int CLASSES = 3;

    @Test
    void patchSizedImageEqualsOneForwardPassAndSoftmax() {
        long[] patch = { 32, 16 };
        Block net = TestModels.network(manager, 2, patch); // deep supervision on: only the full-resolution head counts
        float[] image = random(2 * 32 * 16, 5);
        float[] expected = softmaxOfForward(net, image, 2, patch, new int[0]);
        SlidingWindow sw = new SlidingWindow(net, 2, CLASSES, patch, new SlidingWindowSettings(0.5, false, 4));
        assertArrayEquals(expected, sw.predict(image, patch), 1e-5f);
    }

    @Test
    void overlappingTilesAreGaussianWeightedAverages() {
        // two tiles on axis 0 (starts 0 and 16): each voxel of the overlap is (p1 g1 + p2 g2) / (g1 + g2)
        long[] patch = { 32, 16 };
        Block net = TestModels.network(manager, 1, patch);
        long[] shape = { 48, 16 };
        float[] image = random(48 * 16, 4);
        float[] p1 = softmaxOfForward(net, crop(image, 48, 0, 32, 16), 1, patch, new int[0]);
        float[] p2 = softmaxOfForward(net, crop(image, 48, 16, 32, 16), 1, patch, new int[0]);
        float[] g = GaussianImportance.map(patch);
        // one tile per pass as in the references: batched convolutions round differently (~1e-5)
        float[] got = new SlidingWindow(net, 1, CLASSES, patch, new SlidingWindowSettings(0.5, false, 1))
                .predict(image, shape);
        int n = 48 * 16;
        for (int c = 0; c < CLASSES; c++) {
            for (int j = 0; j < 16; j++) {
                for (int i = 0; i < 48; i++) {
                    double num = 0;
                    double den = 0;
                    if (i < 32) {
                        float w = g[i * 16 + j]; // the map is C-order (i, j)
                        num += p1[c * 512 + j * 32 + i] * w;
                        den += w;
                    }
                    if (i >= 16) {
                        float w = g[(i - 16) * 16 + j];
                        num += p2[c * 512 + j * 32 + i - 16] * w;
                        den += w;
                    }
                    assertEquals(num / den, got[c * n + j * 48 + i], 1e-5, "class " + c + " at " + i + "," + j);
                }
            }
        }
    }

    @Test
    void smallImageIsPaddedCentredWithZerosAndCroppedBack() {
        long[] patch = { 32, 16 };
        Block net = TestModels.network(manager, 1, patch);
        long[] shape = { 19, 12 }; // padded by 6 + 7 and 2 + 2 (nnU-Net's pad_nd_image)
        float[] image = random(19 * 12, 3);
        float[] padded = new float[32 * 16];
        for (int j = 0; j < 12; j++) {
            for (int i = 0; i < 19; i++) {
                padded[(j + 2) * 32 + i + 6] = image[j * 19 + i];
            }
        }
        float[] full = softmaxOfForward(net, padded, 1, patch, new int[0]);
        float[] got = new SlidingWindow(net, 1, CLASSES, patch, SlidingWindowSettings.defaults()).predict(image, shape);
        for (int c = 0; c < CLASSES; c++) {
            for (int j = 0; j < 12; j++) {
                for (int i = 0; i < 19; i++) {
                    assertEquals(full[c * 512 + (j + 2) * 32 + i + 6], got[c * 228 + j * 19 + i], 1e-5);
                }
            }
        }
    }

    /** The mean of the softmax of one forward pass per flip combination (NDArray axes): the reference. */
    private float[] meanOfFlips(Block net, float[] image, long[] patch, int[][] combos) {
        float[] mean = new float[CLASSES * (int) (patch[0] * patch[1])];
        for (int[] axes : combos) {
            float[] p = softmaxOfForward(net, image, 1, patch, axes);
            for (int v = 0; v < mean.length; v++) {
                mean[v] += p[v] / combos.length;
            }
        }
        return mean;
    }

    @Test
    void mirroringFlipsOnlyTheAllowedAxes() {
        // an imported nnU-Net checkpoint may allow some axes only (inference_allowed_mirroring_axes)
        long[] patch = { 32, 16 };
        Block net = TestModels.network(manager, 1, patch);
        float[] image = random(32 * 16, 7);
        float[] mean = meanOfFlips(net, image, patch, new int[][] { {}, { 3 } });
        SlidingWindow sw = new SlidingWindow(net, 1, CLASSES, patch, new SlidingWindowSettings(0.5, true, 2),
                new int[] { 1 });
        assertArrayEquals(mean, sw.predict(image, patch), 1e-5f);
        SlidingWindow none = new SlidingWindow(net, 1, CLASSES, patch, new SlidingWindowSettings(0.5, true, 2),
                new int[0]);
        assertArrayEquals(softmaxOfForward(net, image, 1, patch, new int[0]), none.predict(image, patch), 1e-6f);
    }

    @Test
    void mirroringAveragesTheSoftmaxOfAllFlips() {
        long[] patch = { 32, 16 };
        Block net = TestModels.network(manager, 1, patch);
        float[] image = random(32 * 16, 6);
        float[] mean = meanOfFlips(net, image, patch, new int[][] { {}, { 2 }, { 3 }, { 2, 3 } });
        SlidingWindow sw = new SlidingWindow(net, 1, CLASSES, patch, new SlidingWindowSettings(0.5, true, 2));
        float[] got = sw.predict(image, patch);
        assertArrayEquals(mean, got, 1e-5f);
        // and mirroring does change the result of an asymmetric network, so the comparison above means something
        float[] plain = softmaxOfForward(net, image, 1, patch, new int[0]);
        double diff = 0;
        for (int v = 0; v < plain.length; v++) {
            diff = Math.max(diff, Math.abs(plain[v] - got[v]));
        }
        assertTrue(diff > 1e-3, "mirrored passes made no difference");
    }

    @Test
    void perVoxelNetworkGivesTheWholeImageResultWhateverTheTiling() {
        // a 1x1 convolution sees one voxel: every tile predicts each voxel the same, so a correct weighted average
        // returns exactly the whole-image softmax, padding, odd sizes and overlaps notwithstanding
        for (long[][] c : new long[][][] { { { 70, 45 }, { 32, 16 } }, { { 20, 45 }, { 32, 16 } },
                { { 20, 37, 9 }, { 16, 16, 16 } }, { { 7, 5 }, { 8, 8 } } }) {
            long[] shape = c[0];
            long[] patch = c[1];
            Block net = ConvNd.builder().setDims(shape.length).setChannels(2, CLASSES).setKernel(1).build();
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 2).addAll(new Shape(patch)));
            int n = (int) new Shape(shape).size();
            float[] image = random(2 * n, 7);
            float[] expected = softmaxOfForward(net, image, 2, shape, new int[0]);
            for (double overlap : new double[] { 0, 0.5, 0.3 }) {
                for (boolean mirror : new boolean[] { false, true }) {
                    SlidingWindow sw = new SlidingWindow(net, 2, CLASSES, patch,
                            new SlidingWindowSettings(overlap, mirror, 3));
                    assertArrayEquals(expected, sw.predict(image, shape), 1e-5f,
                            java.util.Arrays.toString(shape) + " overlap " + overlap + " mirror " + mirror);
                }
            }
        }
    }

    @Test
    void constantLogitsGiveTheSameProbabilitiesEverywhere() {
        long[] patch = { 16, 16 };
        Block net = ConvNd.builder().setDims(2).setChannels(1, CLASSES).setKernel(3).build();
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 16, 16));
        float[] bias = { 0.5f, -1f, 2f };
        net.getParameters().forEach(p -> {
            NDArray a = p.getValue().getArray();
            a.set(p.getKey().contains("bias") ? bias : new float[(int) a.size()]);
        });
        double z = Math.exp(0.5) + Math.exp(-1) + Math.exp(2);
        long[] shape = { 53, 41 };
        float[] p = new SlidingWindow(net, 1, CLASSES, patch, SlidingWindowSettings.defaults())
                .predict(random(53 * 41, 8), shape);
        int n = 53 * 41;
        for (int c = 0; c < CLASSES; c++) {
            for (int v = 0; v < n; v++) {
                assertEquals(Math.exp(bias[c]) / z, p[c * n + v], 1e-6, "class " + c + " voxel " + v);
            }
        }
    }

    @Test
    void tileBatchDoesNotChangeTheResult() {
        long[] patch = { 32, 16 };
        Block net = TestModels.network(manager, 1, patch);
        long[] shape = { 50, 40 };
        float[] image = random(50 * 40, 9);
        float[] one = new SlidingWindow(net, 1, CLASSES, patch, new SlidingWindowSettings(0.5, false, 1))
                .predict(image, shape);
        float[] four = new SlidingWindow(net, 1, CLASSES, patch, new SlidingWindowSettings(0.5, false, 4))
                .predict(image, shape);
        assertArrayEquals(one, four, 1e-4f); // equal up to the rounding of batched convolutions
        for (int v = 0; v < 50 * 40; v++) {
            assertEquals(1.0, one[v] + one[v + 2000] + one[v + 4000], 1e-5);
        }
    }

    @Test
    void reportsProgressAndStopsWhenCancelled() {
        long[] patch = { 8, 8 };
        Block net = ConvNd.builder().setDims(2).setChannels(1, CLASSES).setKernel(1).build();
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 8, 8));
        long[] shape = { 40, 24 };
        SlidingWindow sw = new SlidingWindow(net, 1, CLASSES, patch, new SlidingWindowSettings(0.5, false, 4));
        int tiles = sw.tileCount(shape);
        assertEquals(9 * 5, tiles);
        List<int[]> reports = new ArrayList<>();
        sw.predict(random(40 * 24, 1), shape, (done, total) -> reports.add(new int[] { done, total }), () -> false);
        assertEquals((tiles + 3) / 4, reports.size());
        assertArrayEquals(new int[] { tiles, tiles }, reports.get(reports.size() - 1));
        AtomicInteger asked = new AtomicInteger();
        CancellationException e = assertThrows(CancellationException.class, () -> sw.predict(random(40 * 24, 1), shape,
                TileProgress.NONE, () -> asked.incrementAndGet() > 2));
        assertTrue(e.getMessage().contains("after 8 of 45 tiles"), e.getMessage());
    }

    /**
     * softmax(net(flip(x))) flipped back, for an image flattened first axis fastest: the NDArray is made with the
     * spatial axes reversed and transposed to (1, C, i, j[, k]); the result goes back the same way.
     */
    private float[] softmaxOfForward(Block net, float[] image, int channels, long[] shape, int[] flip) {
        int d = shape.length;
        long[] reversed = new long[d + 2];
        reversed[0] = 1;
        reversed[1] = channels;
        int[] order = new int[d + 2];
        order[1] = 1;
        for (int a = 0; a < d; a++) {
            reversed[2 + a] = shape[d - 1 - a];
            order[2 + a] = d + 1 - a;
        }
        NDArray x = manager.create(image, new Shape(reversed)).transpose(order);
        NDArray in = flip.length == 0 ? x : x.flip(flip);
        NDArray p = net.forward(new ParameterStore(manager, false), new NDList(in), false).get(0).softmax(1);
        if (flip.length > 0) {
            p = p.flip(flip);
        }
        return p.transpose(order).toFloatArray();
    }

    /** Columns [from, from + width) of axis 0 of a single-channel image (first axis fastest). */
    private static float[] crop(float[] image, int rowLength, int from, int width, int rows) {
        float[] out = new float[width * rows];
        for (int j = 0; j < rows; j++) {
            System.arraycopy(image, j * rowLength + from, out, j * width, width);
        }
        return out;
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }
}
