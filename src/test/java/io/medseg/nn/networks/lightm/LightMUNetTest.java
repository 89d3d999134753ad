package io.medseg.nn.networks.lightm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.medseg.MedSegException;
import io.medseg.engine.EngineTest;
import io.medseg.nn.networks.ModelSummary;
import io.medseg.nn.networks.ThopConvention;

class LightMUNetTest extends EngineTest {
    @Override
    protected int seed() {
        return 7;
    }

    /** architectures.md §2.6, 3D 1→3. */
    static final Map<String, Long> BREAKDOWN_3D = new LinkedHashMap<>();
    static {
        BREAKDOWN_3D.put("convInit", 59L);
        BREAKDOWN_3D.put("stage0", 22_210L);
        BREAKDOWN_3D.put("stage1", 160_325L);
        BREAKDOWN_3D.put("stage2", 575_109L);
        BREAKDOWN_3D.put("stage3", 4_186_377L);
        BREAKDOWN_3D.put("up0", 53_121L);
        BREAKDOWN_3D.put("up1", 14_273L);
        BREAKDOWN_3D.put("up2", 4_065L);
        BREAKDOWN_3D.put("head", 227L);
    }




    private LightMUNet net(int dims, int in, int classes, long... spatial) {
        LightMUNet n = LightMUNet.builder().setDims(dims).setChannels(in, classes).build();
        n.initialize(manager, DataType.FLOAT32, new Shape(1, in).addAll(new Shape(spatial)));
        return n;
    }

    @Test
    void parameterCountsAreTheReleasedCodes() {
        assertParameters(5_015_766, net(3, 1, 3, 8, 8, 8));
        assertParameters(5_015_733, net(3, 1, 2, 8, 8, 8));
        assertParameters(5_011_765, net(2, 3, 2, 8, 8));
        assertParameters(5_011_683, net(2, 1, 2, 8, 8));
    }

    private static void assertParameters(long expected, LightMUNet n) {
        assertEquals(expected, ModelSummary.parameterCount(n));
        // the analytic count walks the same structure independently
        long[] spatial = new long[n.dims()];
        java.util.Arrays.fill(spatial, 8);
        assertEquals(expected, LightMCost.count(LightMCost.Variant.RELEASED, n.inChannels(), n.classes(),
                ThopConvention.CLASSIC, spatial).parameters());
    }

    @Test
    void parameterBreakdown3D() {
        Map<String, Long> parts = new LinkedHashMap<>();
        net(3, 1, 3, 8, 8, 8).parts().forEach((name, block) -> parts.put(name, ModelSummary.parameterCount(block)));
        assertEquals(BREAKDOWN_3D, parts);
    }

    @Test
    void logitsHaveTheInputsSpatialShape() {
        LightMUNet n2 = net(2, 3, 2, 32, 48);
        NDArray y2 = n2.forward(new ParameterStore(manager, false),
                new NDList(manager.randomNormal(new Shape(2, 3, 32, 48))), false).singletonOrThrow();
        assertEquals(new Shape(2, 2, 32, 48), y2.getShape());
        assertEquals(new Shape(2, 2, 32, 48), n2.getOutputShapes(new Shape[] { new Shape(2, 3, 32, 48) })[0]);
        assertTrue(y2.isInfinite().logicalOr(y2.isNaN()).none().getBoolean());

        LightMUNet n3 = net(3, 1, 3, 16, 16, 24);
        NDArray y3 = n3.forward(new ParameterStore(manager, false),
                new NDList(manager.randomNormal(new Shape(1, 1, 16, 16, 24))), false).singletonOrThrow();
        assertEquals(new Shape(1, 3, 16, 16, 24), y3.getShape());
        // logits, not probabilities: no softmax makes the classes sum to one
        double classSum = y3.sum(new int[] { 1 }).sub(1).abs().max().getFloat();
        assertTrue(classSum > 1e-3);
    }

    @Test
    void sizesNotDivisibleByEightAreRefusedClearly() {
        LightMUNet n = net(2, 1, 2, 16, 16);
        NDArray bad = manager.zeros(new Shape(1, 1, 16, 20));
        MedSegException e = assertThrows(MedSegException.class,
                () -> n.forward(new ParameterStore(manager, false), new NDList(bad), false));
        assertTrue(e.getMessage().contains("divisible by 8"), e.getMessage());
        assertThrows(MedSegException.class, () -> n.forward(new ParameterStore(manager, false),
                new NDList(manager.zeros(new Shape(1, 2, 16, 16))), false));
        assertThrows(MedSegException.class, () -> net(3, 1, 2, 8, 8, 4));
    }

    @Test
    void initialisationFollowsTheEngineSeed() {
        engine.setRandomSeed(11);
        float[] a = firstWeights(net(2, 1, 2, 8, 8));
        engine.setRandomSeed(11);
        float[] b = firstWeights(net(2, 1, 2, 8, 8));
        engine.setRandomSeed(12);
        float[] c = firstWeights(net(2, 1, 2, 8, 8));
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    /** The values of every parameter, concatenated. */
    private static float[] firstWeights(LightMUNet n) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (var p : n.getParameters()) {
            out.writeBytes(p.getValue().getArray().toByteArray());
        }
        java.nio.FloatBuffer fb = java.nio.ByteBuffer.wrap(out.toByteArray()).order(java.nio.ByteOrder.nativeOrder())
                .asFloatBuffer();
        float[] values = new float[fb.remaining()];
        fb.get(values);
        return values;
    }
}
