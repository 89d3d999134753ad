package io.medseg.nn.networks.backbone;

import static io.medseg.nn.networks.backbone.BackboneTestSupport.build;
import static io.medseg.nn.networks.backbone.BackboneTestSupport.config;
import static io.medseg.nn.networks.backbone.BackboneTestSupport.plan2d;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.medseg.engine.EngineTest;
import io.medseg.nn.layers.ConvNd;
import io.medseg.nn.layers.Norm;
import io.medseg.nn.mlstm.ViLLayer;
import io.medseg.nn.networks.Architecture;

/**
 * Initialisation: nnU-Net's He(0.01) on every backbone convolution with zero bias, norms at 1/0, the Mamba and ViL
 * layers with their own init untouched, and everything reproducible from the engine seed.
 */
class BackboneInitTest extends EngineTest {



    private ResidualUNet net(NDManager m, Architecture a, int seed) {
        engine.setRandomSeed(seed);
        return build(m, config(a, plan2d(16, 32, 64), 1, 3, true), 16, 16);
    }

    /** Collects backbone blocks of one type, not descending into the sequence layers (they have their own init). */
    private <T extends Block> void collect(Block b, Class<T> type, List<T> out) {
        if (type.isInstance(b)) {
            out.add(type.cast(b));
        }
        if (b instanceof MambaLayer || b instanceof ViLLayer) {
            return;
        }
        for (Pair<String, Block> c : b.getChildren()) {
            collect(c.getValue(), type, out);
        }
    }

    /**
     * Weights N(0, √(2/(1+0.01²))/√fan_in): pooled over all convolutions, w·√fan_in/gain has mean ≈ 0 and std ≈ 1
     * (PyTorch's default uniform init would give std 1/√6 ≈ 0.41 here); every bias is exactly 0.
     */
    @Test
    void convolutionsAreHeNormalWithZeroBias() {
        try (NDManager m = manager.newSubManager()) {
            List<ConvNd> convs = new ArrayList<>();
            collect(net(m, Architecture.UMAMBA_ENC, 3), ConvNd.class, convs);
            assertTrue(convs.size() > 20, "found " + convs.size() + " convolutions");
            double gain = Math.sqrt(2 / (1 + 1e-4));
            double sum = 0;
            double sumSq = 0;
            long count = 0;
            for (ConvNd c : convs) {
                for (Pair<String, Parameter> p : c.getParameters()) {
                    NDArray a = p.getValue().getArray();
                    if (p.getValue().getType() == Parameter.Type.BIAS) {
                        assertEquals(0f, a.abs().max().getFloat(), "bias of " + p.getKey());
                        continue;
                    }
                    double fanIn = a.size() / a.getShape().get(0);
                    for (float w : a.toFloatArray()) {
                        double z = w * Math.sqrt(fanIn) / gain;
                        sum += z;
                        sumSq += z * z;
                        count++;
                    }
                }
            }
            double mean = sum / count;
            double std = Math.sqrt(sumSq / count - mean * mean);
            assertTrue(Math.abs(mean) < 0.02, "mean " + mean + " over " + count);
            assertTrue(Math.abs(std - 1) < 0.03, "std " + std + " over " + count);
        }
    }

    @Test
    void normsStartAtOneAndZero() {
        try (NDManager m = manager.newSubManager()) {
            ResidualUNet net = net(m, Architecture.UMAMBA_BOT, 3);
            List<Norm> norms = new ArrayList<>();
            collect(net, Norm.class, norms);
            List<MambaLayer> mambas = new ArrayList<>();
            collect(net, MambaLayer.class, mambas);
            assertEquals(1, mambas.size());
            for (Pair<String, Block> c : mambas.get(0).getChildren()) {
                if (c.getValue() instanceof Norm n) {
                    norms.add(n); // the MambaLayer's LayerNorm: PyTorch defaults too
                }
            }
            for (Norm n : norms) {
                for (Pair<String, Parameter> p : n.getParameters()) {
                    float expected = p.getValue().getType() == Parameter.Type.GAMMA ? 1f : 0f;
                    NDArray a = p.getValue().getArray();
                    assertEquals(0f, a.sub(expected).abs().max().getFloat(), p.getKey());
                }
            }
        }
    }

    /** The He init does not reach into the sequence layers: Mamba's A_log = ln(1..16), ViL's forget bias 3..6. */
    @Test
    void sequenceLayersKeepTheirOwnInit() {
        try (NDManager m = manager.newSubManager()) {
            double[] aLog = named(net(m, Architecture.UMAMBA_BOT, 3), "A_log").toType(ai.djl.ndarray.types.DataType.FLOAT64,
                    false).toDoubleArray();
            for (int i = 0; i < aLog.length; i++) {
                assertEquals(Math.log(i % 16 + 1), aLog[i], 1e-6);
            }
            float[] forget = named(net(m, Architecture.XLSTM_UNET_BOT, 3), "fgate_bias").toFloatArray();
            assertArrayEquals(new float[] { 3, 4, 5, 6 }, forget, 1e-6f);
        }
    }

    private NDArray named(Block net, String suffix) {
        NDArray found = null;
        for (Pair<String, Parameter> p : net.getParameters()) {
            if (p.getKey().endsWith(suffix)) {
                assertEquals(null, found, "one " + suffix);
                found = p.getValue().getArray();
            }
        }
        assertTrue(found != null, "no parameter " + suffix);
        return found;
    }

    @Test
    void theEngineSeedDecidesEveryWeight() {
        try (NDManager m = manager.newSubManager()) {
            var a = net(m, Architecture.XLSTM_UNET_ENC, 11).getParameters();
            var b = net(m, Architecture.XLSTM_UNET_ENC, 11).getParameters();
            var c = net(m, Architecture.XLSTM_UNET_ENC, 12).getParameters();
            boolean anyDifferent = false;
            for (int i = 0; i < a.size(); i++) {
                NDArray x = a.valueAt(i).getArray();
                assertEquals(0f, x.sub(b.valueAt(i).getArray()).abs().max().getFloat(), a.keyAt(i));
                anyDifferent |= x.sub(c.valueAt(i).getArray()).abs().max().getFloat() > 0;
            }
            assertTrue(anyDifferent);
            assertFalse(a.isEmpty());
        }
    }
}
