package io.medseg.nn.networks.backbone;

import static io.medseg.nn.networks.backbone.BackboneTestSupport.plan2d;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.medseg.MedSegException;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.BackbonePlan;

/** The released code's placement rules, block-count overrides and the 2D decoder quirk, stage by stage. */
class BackbonePlacementTest {
    private static String describe(BackboneLayout l) {
        List<String> out = new ArrayList<>();
        for (int s = 0; s < l.stages(); s++) {
            StageMixer m = l.mixer(s);
            out.add(switch (m.kind()) {
                case IDENTITY -> "-";
                case RESIDUAL_BLOCK -> "R";
                case MAMBA -> "M" + m.dim() + (m.channelTokens() ? "c" : "");
                case VIL -> "V" + m.dim() + (m.channelTokens() ? "c" : "");
            });
        }
        return String.join(" ", out);
    }

    private static BackboneLayout layout(Architecture a, BackbonePlan plan, long... patch) {
        return BackboneLayout.of(plan, SequenceLayerPlacement.of(a), patch);
    }

    @Test
    void specExample2dPlacements() {
        BackbonePlan p = BackboneParameterCountTest.docPlan2d();
        long[] patch = BackboneParameterCountTest.DOC_PATCH_2D; // maps 320, 160, 80, 40, 20, 10, 5
        assertEquals("- - - - - - M512", describe(layout(Architecture.UMAMBA_BOT, p, patch)));
        // n = 7 odd: Mamba at even stages; from stage 4 (20² = 400 ≤ 512) the maps are channel tokens
        assertEquals("M32 - M128 - M400c - M25c", describe(layout(Architecture.UMAMBA_ENC, p, patch)));
        // ViL at s > 1 with (s odd) XOR (n odd), an extra BasicBlockD at s = 1
        assertEquals("- R V128 - V400c - V25c", describe(layout(Architecture.XLSTM_UNET_ENC, p, patch)));
        // Bot never uses channel tokens, even on a 5×5 map
        assertEquals("- - - - - - V512", describe(layout(Architecture.XLSTM_UNET_BOT, p, patch)));
        assertEquals("- - - - - - -", describe(layout(Architecture.RESIDUAL_UNET, p, patch)));
    }

    @Test
    void sixStage2dEncAlternatesTheOtherWay() {
        BackbonePlan p = plan2d(32, 64, 128, 256, 512, 512);
        // maps 256, 128, 64, 32, 16, 8: stage 5 has 64 voxels ≤ 512 features
        assertEquals("- R - V256 - V64c", describe(layout(Architecture.XLSTM_UNET_ENC, p, 256, 256)));
        assertEquals("- M64 - M256 - M64c", describe(layout(Architecture.UMAMBA_ENC, p, 256, 256)));
    }

    @Test
    void specExample3dPlacements() {
        BackbonePlan p = BackboneParameterCountTest.docPlan3d();
        long[] patch = BackboneParameterCountTest.DOC_PATCH_3D; // last map 6×5×7 = 210 ≤ 320
        assertEquals("M32 M64 M128 M256 M320 M210c", describe(layout(Architecture.UMAMBA_ENC, p, patch)));
        assertEquals("R R R V256 V320 V210c", describe(layout(Architecture.XLSTM_UNET_ENC, p, patch)));
        assertEquals("- - - - - M320", describe(layout(Architecture.UMAMBA_BOT, p, patch)));
        BackboneLayout l = layout(Architecture.UMAMBA_ENC, p, patch);
        assertArrayEquals(new long[] { 6, 5, 7 }, l.mapSize(5));
        assertArrayEquals(new long[] { 48, 160, 224 }, l.mapSize(0));
        assertArrayEquals(new long[] { 8, 32, 32 }, l.totalStride());
    }

    /** Encoder stages s ≥ ceil(n/2) and decoder stages i ≥ ceil(n/2) get one block; only 2D skips the top concat. */
    @Test
    void blockOverridesAndTopStageQuirk() {
        BackboneLayout seven = layout(Architecture.RESIDUAL_UNET, BackboneParameterCountTest.docPlan2d(), 320, 320);
        int[] enc = new int[7];
        int[] dec = new int[6];
        for (int s = 0; s < 7; s++) {
            enc[s] = seven.encoderBlocks(s);
            if (s < 6) {
                dec[s] = seven.decoderBlocks(s);
            }
        }
        assertArrayEquals(new int[] { 2, 2, 2, 2, 1, 1, 1 }, enc);
        assertArrayEquals(new int[] { 2, 2, 2, 2, 1, 1 }, dec);
        BackboneLayout six = layout(Architecture.RESIDUAL_UNET, BackboneParameterCountTest.docPlan3d(),
                BackboneParameterCountTest.DOC_PATCH_3D);
        assertEquals(2, six.encoderBlocks(2));
        assertEquals(1, six.encoderBlocks(3));
        assertEquals(2, six.decoderBlocks(2));
        assertEquals(1, six.decoderBlocks(3));
        for (int i = 0; i < 5; i++) {
            assertEquals(true, six.concatenatesSkip(i), "3D decoder stage " + i);
            assertEquals(i < 5, seven.concatenatesSkip(i), "2D decoder stage " + i);
        }
        assertEquals(false, seven.concatenatesSkip(5));
    }

    @Test
    void patchesNotDivisibleByTheTotalStrideAreRejected() {
        BackbonePlan p = plan2d(8, 16, 32, 64); // total stride 8
        MedSegException e = assertThrows(MedSegException.class, () -> layout(Architecture.UMAMBA_ENC, p, 40, 36));
        assertEquals(true, e.getMessage().contains("not divisible"), e.getMessage());
        assertThrows(MedSegException.class, () -> layout(Architecture.UMAMBA_ENC, p, 40, 40, 40));
        assertThrows(MedSegException.class, () -> SequenceLayerPlacement.of(Architecture.LIGHTM_UNET));
    }
}
