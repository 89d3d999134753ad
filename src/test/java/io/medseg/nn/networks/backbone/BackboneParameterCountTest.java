package io.medseg.nn.networks.backbone;

import static io.medseg.nn.networks.backbone.BackboneTestSupport.BACKBONES;
import static io.medseg.nn.networks.backbone.BackboneTestSupport.build;
import static io.medseg.nn.networks.backbone.BackboneTestSupport.config;
import static io.medseg.nn.networks.backbone.BackboneTestSupport.parameterSum;
import static io.medseg.nn.networks.backbone.BackboneTestSupport.plan2d;
import static io.medseg.nn.networks.backbone.BackboneTestSupport.plan3d;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDManager;
import io.medseg.engine.EngineTest;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.BackbonePlan;

/** Built networks' parameter sums against the closed formula, and the formula against the spec's example totals. */
class BackboneParameterCountTest extends EngineTest {



    /**
     * 2D: 4 stages, patch 40² → maps 40, 20, 10, 5: the last stage (25 voxels ≤ 64 features) is in channel-token
     * mode with D = 25, which also exercises ViL's block-size-2 fallback. 3D: patch 4×16×24 → last map 1×2×3, D = 6.
     */
    @Test
    void builtNetworksMatchTheFormulaIn2dAnd3d() {
        BackbonePlan p2 = plan2d(8, 16, 32, 64);
        BackbonePlan p3 = plan3d(8, 16, 24, 32);
        for (Architecture a : BACKBONES) {
            for (int in : new int[] { 1, 2 }) {
                check(a, p2, in, 3, 40, 40);
                check(a, p3, in, 4, 4, 16, 24);
            }
        }
    }

    /** Odd and even stage counts change the 2D Enc alternation and the overrides. */
    @Test
    void builtNetworksMatchTheFormulaForThreeAndFiveStages() {
        for (Architecture a : BACKBONES) {
            check(a, plan2d(8, 16, 24), 1, 2, 16, 16);
            check(a, plan2d(4, 8, 12, 16, 20), 1, 2, 32, 32);
        }
    }

    private void check(Architecture a, BackbonePlan plan, int in, int classes, long... patch) {
        try (NDManager m = manager.newSubManager()) {
            long built = parameterSum(build(m, config(a, plan, in, classes, true), patch));
            long formula = BackboneParameters.expected(a, plan, in, classes, patch);
            assertEquals(formula, built, a + " " + plan + " patch " + Arrays.toString(patch));
        }
    }

    /** Deep supervision only changes which heads run: the same heads exist either way (weights load both ways). */
    @Test
    void deepSupervisionDoesNotChangeTheParameters() {
        try (NDManager m = manager.newSubManager()) {
            BackbonePlan p = plan2d(8, 16, 32);
            assertEquals(parameterSum(build(m, config(Architecture.UMAMBA_BOT, p, 1, 2, true), 16, 16)),
                    parameterSum(build(m, config(Architecture.UMAMBA_BOT, p, 1, 2, false), 16, 16)));
        }
    }

    /** The spec's 3D example plan (§4.7): features [32,64,128,256,320,320], patch 48×160×224, 1 → 14 classes. */
    static BackbonePlan docPlan3d() {
        long[][] kernels = new long[6][];
        long[][] strides = { { 1, 1, 1 }, { 1, 2, 2 }, { 2, 2, 2 }, { 2, 2, 2 }, { 2, 2, 2 }, { 1, 2, 2 } };
        for (int s = 0; s < 6; s++) {
            kernels[s] = s == 0 ? new long[] { 1, 3, 3 } : new long[] { 3, 3, 3 };
        }
        return new BackbonePlan(new int[] { 32, 64, 128, 256, 320, 320 }, kernels, strides,
                BackboneTestSupport.twos(6), BackboneTestSupport.twos(5));
    }

    static final long[] DOC_PATCH_3D = { 48, 160, 224 };
    static final long[] DOC_PATCH_2D = { 320, 320 };

    /** The spec's 2D example plan: 7 stages [32, 64, 128, 256, 512, 512, 512], patch 320². */
    static BackbonePlan docPlan2d() {
        return plan2d(32, 64, 128, 256, 512, 512, 512);
    }

    /** The spec states the totals in millions with two decimals. */
    @Test
    void formulaReproducesTheSpecExampleTotals() {
        Map<Architecture, Double> expected3d = Map.of(Architecture.XLSTM_UNET_BOT, 41.91, Architecture.UMAMBA_BOT, 41.95,
                Architecture.XLSTM_UNET_ENC, 43.73, Architecture.UMAMBA_ENC, 42.84);
        Map<Architecture, Double> expected2d = Map.of(Architecture.XLSTM_UNET_BOT, 47.46, Architecture.UMAMBA_BOT, 47.53,
                Architecture.XLSTM_UNET_ENC, 47.02, Architecture.UMAMBA_ENC, 47.02);
        for (var e : expected3d.entrySet()) {
            long n = BackboneParameters.expected(e.getKey(), docPlan3d(), 1, 14, DOC_PATCH_3D);
            System.out.printf("spec 3D %s: %,d parameters%n", e.getKey(), n);
            assertEquals(e.getValue(), Math.round(n / 1e4) / 100.0, 1e-9, "3D " + e.getKey() + ": " + n);
        }
        for (var e : expected2d.entrySet()) {
            long n = BackboneParameters.expected(e.getKey(), docPlan2d(), 1, 14, DOC_PATCH_2D);
            System.out.printf("spec 2D %s: %,d parameters%n", e.getKey(), n);
            assertEquals(e.getValue(), Math.round(n / 1e4) / 100.0, 1e-9, "2D " + e.getKey() + ": " + n);
        }
    }

    /**
     * The spec's example networks built for real (about 45M parameters, 180 MB each, one at a time): their parameter
     * sums equal the formula, so the totals above are what the built networks have.
     */
    @Test
    void specExampleNetworksHaveTheFormulaCount() {
        for (Architecture a : BACKBONES) {
            long t0 = System.nanoTime();
            check(a, docPlan3d(), 1, 14, DOC_PATCH_3D);
            check(a, docPlan2d(), 1, 14, DOC_PATCH_2D);
            System.out.printf("spec networks %s built and counted in %.1f s%n", a, (System.nanoTime() - t0) / 1e9);
        }
        assertTrue(BackboneParameters.expected(Architecture.RESIDUAL_UNET, docPlan3d(), 1, 14, DOC_PATCH_3D) > 4e7);
    }
}
