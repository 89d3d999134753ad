package io.medseg.nn.networks.backbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.medseg.engine.DjlEnvironment;

/**
 * The residual wiring of the blocks and the MambaLayer, checked through cases with a known answer: with the second
 * convolution's weights at zero its output is a per-channel constant, which InstanceNorm maps to 0, so a block reduces
 * to LReLU(skip path).
 */
class BackboneBlocksTest {
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = DjlEnvironment.pytorch().newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static NDArray run(Block b, NDManager m, NDArray x) {
        return b.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
    }

    /** Sets every parameter of the child whose name ends with {@code child} and has {@code suffix} to zero. */
    private static void zero(Block b, String child, String suffix) {
        int found = 0;
        for (Pair<String, Block> c : b.getChildren()) {
            if (c.getKey().endsWith(child)) {
                for (Pair<String, Parameter> p : c.getValue().getParameters()) {
                    if (p.getKey().endsWith(suffix)) {
                        NDArray a = p.getValue().getArray();
                        a.subi(a);
                        found++;
                    }
                }
            }
        }
        assertTrue(found > 0, "no " + child + "/" + suffix);
    }

    private static float leaky(double v) {
        return (float) (v >= 0 ? v : 0.01 * v);
    }

    @Test
    void basicBlockDAddsTheIdentity() {
        try (NDManager m = manager.newSubManager()) {
            BasicBlockD b = new BasicBlockD(2, 3, 3, 3);
            Shape shape = new Shape(2, 3, 6, 5);
            b.initialize(m, DataType.FLOAT32, shape);
            zero(b, "conv2", "weight");
            NDArray x = m.randomNormal(shape);
            float[] in = x.toFloatArray();
            float[] out = run(b, m, x).toFloatArray();
            for (int i = 0; i < in.length; i++) {
                assertEquals(leaky(in[i]), out[i], 1e-5f);
            }
        }
    }

    /** With conv2 at zero, BasicResBlock = LReLU(1×1 conv with stride), checked against loops over plain arrays. */
    @Test
    void basicResBlockProjectsTheInputWithTheStride() {
        try (NDManager m = manager.newSubManager()) {
            int cin = 2;
            int cout = 3;
            BasicResBlock b = BasicResBlock.builder().setDims(2).setChannels(cin, cout).setKernel(3, 3).optStride(2, 1)
                    .build();
            Shape shape = new Shape(1, cin, 6, 5);
            b.initialize(m, DataType.FLOAT32, shape);
            zero(b, "conv2", "weight");
            float[] w = null;
            for (Pair<String, Block> c : b.getChildren()) {
                if (c.getKey().endsWith("conv3")) {
                    NDArray bias = c.getValue().getParameters().get("bias").getArray();
                    bias.addi(m.create(new float[] { 0.5f, -0.25f, 1f })); // make the projection's bias visible
                    w = c.getValue().getParameters().get("weight").getArray().toFloatArray();
                }
            }
            NDArray x = m.randomNormal(shape);
            float[] in = x.toFloatArray();
            NDArray y = run(b, m, x);
            assertEquals(new Shape(1, cout, 3, 5), y.getShape());
            float[] out = y.toFloatArray();
            float[] bias = { 0.5f, -0.25f, 1f };
            for (int o = 0; o < cout; o++) {
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 5; j++) {
                        double s = bias[o];
                        for (int c = 0; c < cin; c++) {
                            s += w[o * cin + c] * in[(c * 6 + 2 * i) * 5 + j];
                        }
                        assertEquals(leaky(s), out[(o * 3 + i) * 5 + j], 1e-5f);
                    }
                }
            }
        }
    }

    /** No residual: with Mamba's output projection at zero the layer's output is exactly zero. */
    @Test
    void mambaLayerHasNoResidual() {
        try (NDManager m = manager.newSubManager()) {
            MambaLayer l = new MambaLayer(4, false);
            Shape shape = new Shape(1, 4, 3, 5);
            l.initialize(m, DataType.FLOAT32, shape);
            zero(l, "mamba", "out_proj");
            assertEquals(0f, run(l, m, m.randomNormal(shape)).abs().max().getFloat());
        }
    }

    /**
     * Channel tokens: the channels form the sequence, so changing channel 2 of the input changes output channels 2 and
     * up and leaves channels 0 and 1 exactly as they were (the scan is causal, the LayerNorm is per token).
     */
    @Test
    void mambaLayerChannelTokensScanAlongChannels() {
        try (NDManager m = manager.newSubManager()) {
            MambaLayer l = new MambaLayer(6, true); // 2×3 voxels
            Shape shape = new Shape(1, 5, 2, 3);
            l.initialize(m, DataType.FLOAT32, shape);
            NDArray x = m.randomNormal(shape);
            NDArray changed = x.duplicate();
            changed.set(new ai.djl.ndarray.index.NDIndex(":, 2, 1, 0"), 5f);
            float[] a = run(l, m, x).toFloatArray();
            float[] b = run(l, m, changed).toFloatArray();
            float[] before = new float[12];
            float[] after = new float[12];
            System.arraycopy(a, 0, before, 0, 12);
            System.arraycopy(b, 0, after, 0, 12);
            assertArrayEquals(before, after, "channels 0 and 1 unchanged");
            for (int c = 2; c < 5; c++) {
                double diff = 0;
                for (int v = 0; v < 6; v++) {
                    diff += Math.abs(a[c * 6 + v] - b[c * 6 + v]);
                }
                assertTrue(diff > 1e-6, "channel " + c + " must see the change");
            }
        }
    }
}
