package io.medseg.nn.networks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.medseg.engine.EngineTest;

/** Odd input sizes: padded up to the network's divisor at the high end, outputs cropped back. */
class PaddedNetworkTest extends EngineTest {

    @Test
    void lightMUNetTakesOddSizes() {
        long[] patch = { 32, 32 };
        NetworkConfig config = Networks.defaultConfig(Architecture.LIGHTM_UNET, 2, 1, 2, patch);
        PaddedNetwork net = Networks.buildPadded(config, patch);
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 30, 45));
        NDList out = net.forward(new ParameterStore(manager, false), new NDList(manager.randomNormal(new Shape(1, 1, 30, 45))),
                false);
        assertEquals(new Shape(1, 2, 30, 45), out.singletonOrThrow().getShape());
        assertEquals(new Shape(1, 2, 30, 45), net.getOutputShapes(new Shape[] { new Shape(1, 1, 30, 45) })[0]);
    }

    @Test
    void deepSupervisionHeadsAreCroppedToTheirScale() {
        long[] patch = { 32, 32 }; // three poolings: total stride 8
        NetworkConfig config = Networks.defaultConfig(Architecture.RESIDUAL_UNET, 2, 1, 3, patch);
        PaddedNetwork net = Networks.buildPadded(config, patch);
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 20, 27));
        NDArray x = manager.randomNormal(new Shape(1, 1, 20, 27));
        NDList out = net.forward(new ParameterStore(manager, false), new NDList(x), false);
        assertEquals(new Shape(1, 3, 20, 27), out.get(0).getShape());
        assertEquals(new Shape(1, 3, 10, 14), out.get(1).getShape());
        assertEquals(new Shape(1, 3, 5, 7), out.get(2).getShape());
        // padding and cropping leave the caller's arrays and shapes as they were (DJL's Shape.getShape() hands out
        // the shape's own array: writing into it once changed the input's cached shape to its padding width)
        assertEquals(new Shape(1, 1, 20, 27), x.getShape());
        Shape[] twice = new Shape[2];
        for (int i = 0; i < 2; i++) {
            twice[i] = net.getOutputShapes(new Shape[] { new Shape(1, 1, 20, 27) })[1];
        }
        assertEquals(new Shape(1, 3, 10, 14), twice[0]);
        assertEquals(twice[0], twice[1]);
        assertEquals(new Shape(1, 3, 20, 27), net.forward(new ParameterStore(manager, false), new NDList(x), false)
                .get(0).getShape());
    }

    @Test
    void divisibleInputsPassThroughUnchanged() {
        long[] patch = { 32, 32 };
        NetworkConfig config = Networks.defaultConfig(Architecture.RESIDUAL_UNET, 2, 1, 3, patch);
        PaddedNetwork net = Networks.buildPadded(config, patch);
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 32, 32));
        NDArray x = manager.randomNormal(new Shape(1, 1, 32, 32));
        float[] wrapped = net.forward(new ParameterStore(manager, false), new NDList(x), false).get(0).toFloatArray();
        float[] direct = net.network().forward(new ParameterStore(manager, false), new NDList(x), false).get(0)
                .toFloatArray();
        assertArrayEquals(direct, wrapped);
    }
}
