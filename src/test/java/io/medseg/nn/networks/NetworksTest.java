package io.medseg.nn.networks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.medseg.MedSegException;
import io.medseg.engine.EngineTest;

/** The factory builds every architecture, and the analytic summary counts exactly the parameters it builds. */
class NetworksTest extends EngineTest {

    @ParameterizedTest
    @EnumSource(value = Architecture.class, names = { "PLAIN_UNET", "RESENC_UNET" }, mode = EnumSource.Mode.EXCLUDE)
    void summaryParametersEqualTheBuiltNetworkIn2DAnd3D(Architecture a) {
        for (long[] patch : new long[][] { { 64, 48 }, { 32, 32, 16 } }) {
            NetworkConfig config = Networks.defaultConfig(a, patch.length, 2, 3, patch);
            Block net = Networks.build(config, patch);
            net.initialize(manager, DataType.FLOAT32, Networks.inputShape(config, patch));
            assertEquals(ModelSummary.parameterCount(net), Networks.summary(config, patch).parameters(),
                    a + " " + patch.length + "D");
        }
    }

    @Test
    void convolutionWorkScalesWithTheVoxelCount() {
        // a residual UNet has no sequence layer, so doubling one axis of every map doubles every MAC
        NetworkConfig small = Networks.defaultConfig(Architecture.RESIDUAL_UNET, 2, 1, 2, new long[] { 64, 64 });
        NetworkConfig wide = new NetworkConfig(small.architecture(), 2, 1, 2, small.plan(), true);
        long a = Networks.summary(small, new long[] { 64, 64 }).macs();
        long b = Networks.summary(wide, new long[] { 64, 128 }).macs();
        assertEquals(2 * a, b);
    }

    @Test
    void patchesMustMatchTheDimensionality() {
        assertThrows(MedSegException.class,
                () -> Networks.defaultConfig(Architecture.LIGHTM_UNET, 3, 1, 2, new long[] { 64, 64 }));
        assertThrows(MedSegException.class, () -> Architecture.of("unet-9000"));
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void noBlockWritesIntoTheShapesItIsGiven(Architecture architecture) {
        // DJL's Shape.getShape() hands out the shape's own array; a block that wrote into it changed its caller's
        // shape (and a tensor's cached shape, when the Shape was the tensor's)
        long[] patch = { 32, 32 };
        NetworkConfig config = Networks.defaultConfig(architecture, 2, 1, 2, patch);
        Block net = Networks.build(config, patch);
        net.initialize(manager, DataType.FLOAT32, Networks.inputShape(config, patch));
        java.util.List<Block> blocks = new java.util.ArrayList<>(java.util.List.of(net));
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            b.getChildren().values().forEach(blocks::add);
            Shape[] given = b.getInputShapes();
            String before = dims(given);
            b.getOutputShapes(given);
            assertEquals(before, dims(given), b + ": getOutputShapes");
            b.initialize(manager, DataType.FLOAT32, given);
            assertEquals(before, dims(given), b + ": initialize");
        }
    }

    private static String dims(Shape[] shapes) {
        StringBuilder s = new StringBuilder();
        for (Shape shape : shapes) {
            s.append(java.util.Arrays.toString(shape.getShape()));
        }
        return s.toString();
    }
}
