package io.medseg.nn.networks.backbone;

import static io.medseg.nn.networks.backbone.BackboneTestSupport.BACKBONES;
import static io.medseg.nn.networks.backbone.BackboneTestSupport.build;
import static io.medseg.nn.networks.backbone.BackboneTestSupport.config;
import static io.medseg.nn.networks.backbone.BackboneTestSupport.forward;
import static io.medseg.nn.networks.backbone.BackboneTestSupport.inputShape;
import static io.medseg.nn.networks.backbone.BackboneTestSupport.plan2d;
import static io.medseg.nn.networks.backbone.BackboneTestSupport.plan3d;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.medseg.MedSegException;
import io.medseg.engine.DjlEnvironment;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.BackbonePlan;

/** Output shapes with and without deep supervision, and the input-size rules. */
class BackboneShapeTest {
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = DjlEnvironment.pytorch().newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /**
     * 2D plan [8, 16, 32] with strides 1, 2, 2 on a 2 × 2 × 16 × 24 batch: deep supervision gives the decoder's two
     * outputs, full resolution first (16×24, then 8×12); without it, only 16×24. Every output is finite.
     */
    @Test
    void outputShapes2d() {
        BackbonePlan p = plan2d(8, 16, 32);
        for (Architecture a : BACKBONES) {
            check(a, p, 2, new long[] { 16, 24 }, new Shape(2, 3, 16, 24), new Shape(2, 3, 8, 12));
        }
    }

    /** 3D plan with strides [1,1,1], [1,2,2], [2,2,2], [2,2,2] on 4×16×16: outputs at 4×16×16, 4×8×8, 2×4×4. */
    @Test
    void outputShapes3d() {
        BackbonePlan p = plan3d(4, 8, 12, 16);
        for (Architecture a : BACKBONES) {
            check(a, p, 1, new long[] { 4, 16, 16 }, new Shape(1, 3, 4, 16, 16), new Shape(1, 3, 4, 8, 8),
                    new Shape(1, 3, 2, 4, 4));
        }
    }

    private static void check(Architecture a, BackbonePlan p, int batch, long[] patch, Shape... expected) {
        try (NDManager m = manager.newSubManager()) {
            ResidualUNet ds = build(m, config(a, p, 2, 3, true), patch);
            NDArray x = m.randomNormal(inputShape(batch, 2, patch));
            NDList out = forward(ds, m, x, false);
            assertEquals(expected.length, out.size(), a + " deep supervision outputs");
            Shape[] declared = ds.getOutputShapes(new Shape[] { x.getShape() });
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], out.get(i).getShape(), a + " output " + i);
                assertEquals(expected[i], declared[i], a + " declared output " + i);
                assertTrue(out.get(i).isInfinite().logicalOr(out.get(i).isNaN()).none().getBoolean(), a + " finite");
            }
            ResidualUNet single = build(m, config(a, p, 2, 3, false), patch);
            NDList one = forward(single, m, x, false);
            assertEquals(1, one.size(), a + " without deep supervision");
            assertEquals(expected[0], one.get(0).getShape());
        }
    }

    @Test
    void inputsNotDivisibleByTheTotalStrideAreRejectedWithAClearMessage() {
        BackbonePlan p = plan2d(8, 16, 32); // total stride 4
        try (NDManager m = manager.newSubManager()) {
            MedSegException atBuild = assertThrows(MedSegException.class,
                    () -> BackboneNetworks.build(config(Architecture.RESIDUAL_UNET, p, 1, 2, false), new long[] { 16, 18 }));
            assertTrue(atBuild.getMessage().contains("not divisible") && atBuild.getMessage().contains("[4, 4]"),
                    atBuild.getMessage());
            ResidualUNet net = build(m, config(Architecture.UMAMBA_BOT, p, 1, 2, false), 16, 16);
            // patch-token networks accept any divisible size...
            assertEquals(new Shape(1, 2, 20, 12), forward(net, m, m.zeros(new Shape(1, 1, 20, 12)), false).get(0).getShape());
            // ...but not an indivisible one
            MedSegException atForward = assertThrows(MedSegException.class,
                    () -> forward(net, m, m.zeros(new Shape(1, 1, 16, 14)), false));
            assertTrue(atForward.getMessage().contains("not divisible"), atForward.getMessage());
            assertThrows(MedSegException.class, () -> forward(net, m, m.zeros(new Shape(1, 3, 16, 16)), false));
        }
    }

    /** Enc networks with channel-token layers (here stage 2: 4×4 = 16 ≤ 32) accept only their patch size. */
    @Test
    void channelTokenNetworksOnlyAcceptTheirPatchSize() {
        BackbonePlan p = plan2d(8, 16, 32);
        try (NDManager m = manager.newSubManager()) {
            for (Architecture a : new Architecture[] { Architecture.UMAMBA_ENC, Architecture.XLSTM_UNET_ENC }) {
                ResidualUNet net = build(m, config(a, p, 1, 2, false), 16, 16);
                assertTrue(net.layout().usesChannelTokens());
                MedSegException e = assertThrows(MedSegException.class,
                        () -> forward(net, m, m.zeros(new Shape(1, 1, 16, 20)), false));
                assertTrue(e.getMessage().contains("patch size"), e.getMessage());
            }
        }
    }

    @Test
    void lightmUnetIsNotABackboneNetwork() {
        assertThrows(MedSegException.class, () -> BackboneNetworks.build(
                new io.medseg.nn.networks.NetworkConfig(Architecture.LIGHTM_UNET, 2, 1, 2, null, false), new long[] { 16, 16 }));
    }
}
