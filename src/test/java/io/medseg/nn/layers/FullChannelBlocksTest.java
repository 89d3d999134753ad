package io.medseg.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.medseg.engine.EngineTest;
import io.medseg.nn.CausalDepthwiseConv1d;

/**
 * Convolution gradients on small channel counts stay finite and exact after the native heap was filled with NaN, the
 * situation in which oneDNN's AVX-512 backward-data kernel read NaN from uninitialised padding channels (run with
 * {@code ONEDNN_MAX_CPU_ISA=AVX512_CORE} on an AVX-512 CPU to force that kernel). Batch 2 makes PyTorch choose oneDNN
 * for these float32 convolutions. The reference is a sequential loop over every output, kernel tap and channel.
 */
class FullChannelBlocksTest extends EngineTest {
    private static final int TRIALS = 20;

    @ParameterizedTest
    @CsvSource({ "2, 4, 4, 1", "2, 8, 8, 1", "2, 4, 8, 1", "2, 8, 8, 8", "3, 4, 4, 1", "3, 8, 8, 8" })
    void gradientsOfSmallChannelCountsMatchTheLoopOnAPoisonedHeap(int dims, int in, int out, int groups) {
        long[] spatial = dims == 2 ? new long[] { 1, 16, 16 } : new long[] { 6, 6, 6 };
        ConvNd conv = ConvNd.builder().setDims(dims).setChannels(in, out).setKernel(3).optGroups(groups).build();
        Shape inShape = dims == 2 ? new Shape(2, in, 16, 16) : new Shape(2, in, 6, 6, 6);
        conv.initialize(manager, DataType.FLOAT32, inShape);
        NDArray w = conv.getParameters().get("weight").getArray();
        NDArray b = conv.getParameters().get("bias").getArray();
        for (int trial = 0; trial < TRIALS; trial++) {
            poisonHeap();
            NDArray x = manager.randomNormal(inShape);
            NDArray up = manager.randomNormal(new Shape(2, out).addAll(inShape.slice(2)));
            Reference ref = new Reference(x.toFloatArray(), w.toFloatArray(), b.toFloatArray(), up.toFloatArray(), in,
                    out, groups, spatial, dims == 2 ? new int[] { 1, 3, 3 } : new int[] { 3, 3, 3 });
            NDArray leaf = x.duplicate();
            leaf.setRequiresGradient(true);
            if (w.hasGradient()) {
                ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) w);
            }
            NDArray y;
            try (GradientCollector gc = engine.newGradientCollector()) {
                y = conv.forward(new ParameterStore(manager, false), new NDList(leaf), true).singletonOrThrow();
                gc.backward(y.mul(up).sum());
            }
            assertClose(ref.output, y.toFloatArray(), "output, trial " + trial);
            assertClose(ref.inputGradient, leaf.getGradient().toFloatArray(), "input gradient, trial " + trial);
            assertClose(ref.weightGradient, w.getGradient().toFloatArray(), "weight gradient, trial " + trial);
        }
    }

    @Test
    void causalDepthwiseConv1dInputGradientIsFiniteAndMatchesFloat64OnAPoisonedHeap() {
        CausalDepthwiseConv1d conv = new CausalDepthwiseConv1d(8, 4);
        conv.initialize(manager, DataType.FLOAT32, new Shape(2, 64, 8));
        for (int trial = 0; trial < TRIALS; trial++) {
            poisonHeap();
            NDArray x = manager.randomNormal(new Shape(2, 64, 8));
            NDArray up = manager.randomNormal(new Shape(2, 64, 8));
            float[] actual = conv1dInputGradient(conv, x, up, DataType.FLOAT32);
            // float64 convolutions never run on oneDNN: an independent path through PyTorch's own kernels
            float[] expected = conv1dInputGradient(conv, x, up, DataType.FLOAT64);
            assertClose(expected, actual, "conv1d input gradient, trial " + trial);
        }
    }

    @Test
    void convolutionsThatMayNeedTheirInputGradientArePadded() {
        NDArray x = manager.randomNormal(new Shape(2, 4, 8, 8));
        NDArray w3 = manager.zeros(new Shape(4, 4, 3, 3));
        NDArray w1 = manager.zeros(new Shape(4, 4, 1, 1));
        assertFalse(FullChannelBlocks.needed(x, w3, 4, 4, 1), "no gradient needed (prediction)");
        x.setRequiresGradient(true);
        assertTrue(FullChannelBlocks.needed(x, w3, 4, 4, 1));
        assertFalse(FullChannelBlocks.needed(x, w1, 4, 4, 1), "1x1 kernel");
        NDArray x32 = manager.zeros(new Shape(2, 32, 8, 8));
        x32.setRequiresGradient(true);
        assertFalse(FullChannelBlocks.needed(x32, manager.zeros(new Shape(48, 32, 3, 3)), 32, 48, 1), "full blocks");
        assertTrue(FullChannelBlocks.needed(x32, manager.zeros(new Shape(3, 32, 3, 3)), 32, 3, 1), "partial output");
        // an activation inside a network: not a leaf, and DJL's hasGradient() says false for it while autograd records
        NDArray weight = manager.randomNormal(new Shape(4, 4, 8, 8));
        weight.setRequiresGradient(true);
        try (GradientCollector gc = engine.newGradientCollector()) {
            NDArray activation = weight.mul(2);
            assertTrue(FullChannelBlocks.needed(activation, w3, 4, 4, 1), "activation while autograd records");
        }
        assertEquals(16, FullChannelBlocks.roundUp(1));
        assertEquals(32, FullChannelBlocks.roundUp(17));
    }

    private float[] conv1dInputGradient(CausalDepthwiseConv1d conv, NDArray x, NDArray up, DataType type) {
        NDArray leaf = x.toType(type, true);
        leaf.setRequiresGradient(true);
        NDArray w = conv.weight().getArray().toType(type, true);
        NDArray b = conv.bias().getArray().toType(type, true);
        try (GradientCollector gc = engine.newGradientCollector()) {
            gc.backward(CausalDepthwiseConv1d.apply(leaf, w, b, 4).mul(up.toType(type, false)).sum());
        }
        return leaf.getGradient().toType(DataType.FLOAT32, false).toFloatArray();
    }

    /** Allocates and frees NaN-filled native buffers of the sizes the convolutions use, as a long run leaves them. */
    private void poisonHeap() {
        try (NDManager m = manager.newSubManager()) {
            for (long floats = 256; floats <= 1 << 16; floats *= 2) {
                for (int copy = 0; copy < 3; copy++) {
                    m.full(new Shape(floats), Float.NaN);
                    m.full(new Shape(floats + floats / 2), Float.POSITIVE_INFINITY);
                }
            }
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = 1e-6;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Float.isFinite(actual[i]), what + " is not finite at " + i);
            assertEquals(expected[i], actual[i], 1e-5 * scale, what + " at " + i);
        }
    }

    /**
     * Output, input gradient and weight gradient of sum(conv(x) ⊙ up) for a stride-1 "same" convolution, by a loop
     * over every output voxel, kernel tap and input channel; 2D data is one slice deep with a kernel one tap deep.
     */
    private static final class Reference {
        final float[] output;
        final float[] inputGradient;
        final float[] weightGradient;

        Reference(float[] x, float[] w, float[] bias, float[] up, int in, int out, int groups, long[] spatial,
                int[] k) {
            int d = (int) spatial[0];
            int h = (int) spatial[1];
            int wd = (int) spatial[2];
            int voxels = d * h * wd;
            int inPerGroup = in / groups;
            int outPerGroup = out / groups;
            int taps = k[0] * k[1] * k[2];
            double[] o = new double[2 * out * voxels];
            double[] dx = new double[x.length];
            double[] dw = new double[w.length];
            for (int n = 0; n < 2; n++) {
                for (int co = 0; co < out; co++) {
                    int g = co / outPerGroup;
                    for (int z = 0; z < d; z++) {
                        for (int y = 0; y < h; y++) {
                            for (int xx = 0; xx < wd; xx++) {
                                int oi = ((n * out + co) * d + z) * h * wd + y * wd + xx;
                                double sum = bias[co];
                                for (int cj = 0; cj < inPerGroup; cj++) {
                                    int ci = g * inPerGroup + cj;
                                    for (int t = 0; t < taps; t++) {
                                        int iz = z + t / (k[1] * k[2]) - k[0] / 2;
                                        int iy = y + t / k[2] % k[1] - k[1] / 2;
                                        int ix = xx + t % k[2] - k[2] / 2;
                                        if (iz < 0 || iz >= d || iy < 0 || iy >= h || ix < 0 || ix >= wd) {
                                            continue;
                                        }
                                        int xi = ((n * in + ci) * d + iz) * h * wd + iy * wd + ix;
                                        int wi = (co * inPerGroup + cj) * taps + t;
                                        sum += (double) x[xi] * w[wi];
                                        dx[xi] += (double) up[oi] * w[wi];
                                        dw[wi] += (double) up[oi] * x[xi];
                                    }
                                }
                                o[oi] = sum;
                            }
                        }
                    }
                }
            }
            output = toFloat(o);
            inputGradient = toFloat(dx);
            weightGradient = toFloat(dw);
            assertEquals(voxels * 2 * out, output.length);
        }

        private static float[] toFloat(double[] a) {
            float[] f = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                f[i] = (float) a[i];
            }
            return f;
        }
    }
}
