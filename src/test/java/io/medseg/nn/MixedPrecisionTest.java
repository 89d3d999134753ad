package io.medseg.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.medseg.engine.EngineTest;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.NetworkConfig;
import io.medseg.nn.networks.Networks;

/**
 * 16-bit activations through float32 networks: every layer takes its parameters cast to the input's type (or runs in
 * float32, for normalisations and the scan) and the output stays close to the float32 forward pass. float16 is used
 * because this CPU build of PyTorch has float16 forward kernels; on GPUs the same path runs in bfloat16.
 */
class MixedPrecisionTest extends EngineTest {
    @Test
    void sixteenBitForwardPassesMatchFloat32() {
        for (Architecture a : new Architecture[] { Architecture.LIGHTM_UNET, Architecture.RESIDUAL_UNET,
                Architecture.XLSTM_UNET_BOT }) {
            long[] patch = { 16, 16 };
            NetworkConfig config = Networks.defaultConfig(a, 2, 1, 3, patch);
            Block net = Networks.build(config, patch);
            net.initialize(manager, DataType.FLOAT32, Networks.inputShape(config, patch));
            NDArray x = manager.randomNormal(new Shape(1, 1, 16, 16));
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray full = net.forward(ps, new NDList(x), false).get(0);
            NDArray half = net.forward(ps, new NDList(x.toType(DataType.FLOAT16, false)), false).get(0);
            assertEquals(DataType.FLOAT16, half.getDataType(), a + " keeps the activations' type");
            double scale = full.abs().max().getFloat();
            double diff = half.toType(DataType.FLOAT32, false).sub(full).abs().max().getFloat();
            assertTrue(diff <= 0.02 * scale + 1e-3, a + ": |Δ| " + diff + " of " + scale);
            for (var p : net.getParameters()) {
                assertEquals(DataType.FLOAT32, p.getValue().getArray().getDataType(), "parameters stay float32");
            }
        }
    }
}
