package io.medseg.nn.mlstm;

import static io.medseg.nn.mlstm.MlstmTestSupport.normal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.medseg.engine.DjlEnvironment;

/** ViLLayer: token order, channel-token mode, parameter count. */
class ViLLayerTest {
    private static NDManager manager;

    @BeforeAll
    static void engine() {
        manager = DjlEnvironment.pytorch().newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static ViLLayer layer(NDManager m, int dim, boolean channelTokens, Shape input) {
        ViLLayer l = new ViLLayer(dim, channelTokens);
        l.initialize(m, DataType.FLOAT64, input);
        return l;
    }

    private static NDArray forward(ViLLayer l, NDManager m, NDArray x) {
        return l.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
    }

    /** A (1, 3, 2, 3, 4) map whose value is 1000·channel + C-order voxel index gives token l = voxel l. */
    @Test
    void patchTokensAreInCOrder() {
        try (NDManager m = manager.newSubManager()) {
            Shape shape = new Shape(1, 3, 2, 3, 4);
            double[] v = new double[(int) shape.size()];
            for (int c = 0; c < 3; c++) {
                for (int z = 0; z < 2; z++) {
                    for (int y = 0; y < 3; y++) {
                        for (int x = 0; x < 4; x++) {
                            int voxel = (z * 3 + y) * 4 + x;
                            v[c * 24 + voxel] = 1000 * c + voxel;
                        }
                    }
                }
            }
            ViLLayer l = layer(m, 3, false, shape);
            NDArray tokens = l.toTokens(m.create(v, shape));
            assertEquals(new Shape(1, 24, 3), tokens.getShape());
            double[] t = tokens.toDoubleArray();
            for (int token = 0; token < 24; token++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(1000 * c + token, t[token * 3 + c], 0, "token " + token + " channel " + c);
                }
            }
        }
    }

    /**
     * End to end: changing voxel (z, y, x) = (1, 0, 2) of a (2, 3, 4) map changes exactly the voxels at or after it
     * in C order (index 14 on), because the layer scans tokens in that order and is causal.
     */
    @Test
    void scanFollowsCOrderThroughTheLayer() {
        try (NDManager m = manager.newSubManager()) {
            Shape shape = new Shape(1, 4, 2, 3, 4);
            ViLLayer l = layer(m, 4, false, shape);
            NDArray x = normal(m, new Random(1), shape, 1, DataType.FLOAT64);
            NDArray y = forward(l, m, x);
            assertEquals(shape, y.getShape());
            NDArray x2 = x.duplicate();
            x2.set(new NDIndex(":, :, 1, 0, 2"),
                    x.get(":, :, 1, 0, 2").add(normal(m, new Random(2), new Shape(1, 4), 1, DataType.FLOAT64)));
            double[] changed = forward(l, m, x2).sub(y).abs().max(new int[] { 1 }).reshape(-1).toDoubleArray();
            for (int voxel = 0; voxel < 24; voxel++) {
                if (voxel < 14) {
                    assertEquals(0.0, changed[voxel], "voxel " + voxel + " precedes the change");
                } else {
                    assertTrue(changed[voxel] > 1e-4, "voxel " + voxel + " did not see the change");
                }
            }
        }
    }

    /** Channels as tokens: dim = prod(S) = 30 (so blocks of 2), sequence = 6 channels, causal along channels. */
    @Test
    void channelTokenMode() {
        try (NDManager m = manager.newSubManager()) {
            Shape shape = new Shape(2, 6, 2, 3, 5);
            ViLLayer l = layer(m, 30, true, shape);
            assertEquals(2, l.block().blockSize());
            NDArray x = normal(m, new Random(3), shape, 1, DataType.FLOAT64);
            NDArray y = forward(l, m, x);
            assertEquals(shape, y.getShape());
            assertEquals(new Shape(2, 6, 30), l.toTokens(x).getShape());
            NDArray x2 = x.duplicate();
            x2.set(new NDIndex(":, 3"), x.get(":, 3").add(normal(m, new Random(4), new Shape(2, 2, 3, 5), 1,
                    DataType.FLOAT64)));
            NDArray diff = forward(l, m, x2).sub(y).abs().reshape(2, 6, 30).max(new int[] { 2 }).max(new int[] { 0 });
            double[] perChannel = diff.toDoubleArray();
            for (int c = 0; c < 6; c++) {
                assertTrue(c < 3 ? perChannel[c] == 0 : perChannel[c] > 1e-4, "channel " + c + ": " + perChannel[c]);
            }
            long params = 0;
            for (Pair<String, Parameter> p : l.getParameters()) {
                params += p.getValue().getArray().size();
            }
            assertEquals(6L * 30 * 30 + 51 * 30 + 4 + 2 * 30, params);
            // the mode decides which axis must match dim: 6 channels is not 30 voxels
            assertThrows(IllegalArgumentException.class, () -> forward(layer(m, 30, false, shape), m, x));
        }
    }

    /** 6D² + 89D + 8: the block plus the wrapper's unused LayerNorm (weight and bias). */
    @Test
    void parameterCountIncludesUnusedNorm() {
        try (NDManager m = manager.newSubManager()) {
            for (int d : new int[] { 8, 64 }) {
                ViLLayer l = layer(m, d, false, new Shape(1, d, 2, 2));
                long params = 0;
                for (Pair<String, Parameter> p : l.getParameters()) {
                    params += p.getValue().getArray().size();
                }
                assertEquals(6L * d * d + 89L * d + 8, params);
                assertEquals(params, ViLLayer.parameterCount(d));
            }
        }
    }
}
