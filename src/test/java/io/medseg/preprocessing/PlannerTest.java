package io.medseg.preprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medseg.MedSegException;
import io.medseg.nn.networks.Architecture;

/** Planner rules on hand-made fingerprints, overrides and the plan file round trip. */
class PlannerTest {
    @TempDir
    Path dir;

    private static DatasetFingerprint fingerprint(String channel, double[][] spacings, long[][] shapes) {
        List<CaseFingerprint> cases = new ArrayList<>();
        for (int i = 0; i < spacings.length; i++) {
            cases.add(new CaseFingerprint("c" + i, shapes[i], spacings[i], shapes[i]));
        }
        IntensityStatistics s = new IntensityStatistics(40, 20, 38, -100, 300, -500, 900);
        return new DatasetFingerprint(shapes[0].length, Map.of("0", channel),
                Map.of("background", 0, "organ", 1, "lesion", 2), cases, List.of(s), Map.of(0, 1000L, 1, 100L, 2, 10L));
    }

    @Test
    void medianSpacingForIsotropicData() {
        DatasetFingerprint fp = fingerprint("MR", new double[][] { { 1, 1, 1 }, { 1.2, 0.8, 2 }, { 0.9, 1.1, 1.5 } },
                new long[][] { { 100, 100, 60 }, { 100, 100, 60 }, { 100, 100, 60 } });
        assertArrayEquals(new double[] { 1.0, 1.0, 1.5 }, Planner.targetSpacing(fp), 1e-12);
    }

    @Test
    void anisotropicAxisTakesTheTenthPercentile() {
        // thick slices (5-10 mm) on axis 2 with few slices: spacing ratio and voxel ratio both exceed 3
        double[][] sp = { { 0.8, 0.8, 5 }, { 0.8, 0.8, 6 }, { 0.8, 0.8, 8 }, { 0.8, 0.8, 10 }, { 0.8, 0.8, 10 } };
        long[][] sh = new long[5][];
        java.util.Arrays.fill(sh, new long[] { 256, 256, 20 });
        double[] t = Planner.targetSpacing(fingerprint("MR", sp, sh));
        assertEquals(0.8, t[0], 1e-12);
        // numpy: percentile([5,6,8,10,10], 10) = 5 + 0.4 * (6 - 5)
        assertEquals(5.4, t[2], 1e-12);
        // many slices: not anisotropic in voxels, so the median stays
        long[][] many = new long[5][];
        java.util.Arrays.fill(many, new long[] { 256, 256, 200 });
        assertEquals(8.0, Planner.targetSpacing(fingerprint("MR", sp, many))[2], 1e-12);
    }

    @Test
    void tinyBudgetShrinksPatchDivisiblyAndWithinBudget() {
        double[][] sp = { { 1, 1, 1 }, { 1, 1, 1 }, { 1, 1, 1 } };
        long[][] sh = { { 160, 128, 96 }, { 160, 128, 96 }, { 160, 128, 96 } };
        DatasetFingerprint fp = fingerprint("CT", sp, sh);
        for (Architecture a : new Architecture[] { Architecture.RESIDUAL_UNET, Architecture.LIGHTM_UNET }) {
            PreprocessingPlan big = Planner.plan(fp, a, PlannerSettings.defaults(a).withMemory(64L << 30));
            long budget = 1L << 30;
            PreprocessingPlan small = Planner.plan(fp, a, PlannerSettings.defaults(a).withMemory(budget));
            long[] p = small.patchSize();
            assertTrue(java.util.Arrays.stream(p).reduce(1, (x, y) -> x * y)
                    < java.util.Arrays.stream(big.patchSize()).reduce(1, (x, y) -> x * y), a + " should shrink");
            long[] d = Planner.divisor(a, p, small.targetSpacing());
            for (int i = 0; i < 3; i++) {
                assertEquals(0, p[i] % d[i], a + " patch " + java.util.Arrays.toString(p));
            }
            assertTrue(ArchitectureMemory.trainingBytes(small.network(), p, small.batchSize()) <= budget,
                    a + " exceeds the budget");
            assertTrue(small.batchSize() >= 2);
            assertEquals(NormalizationScheme.CT, small.normalization().get(0).scheme());
            assertEquals(-100, small.normalization().get(0).lower());
        }
        MedSegException e = assertThrows(MedSegException.class, () -> Planner.plan(fp, Architecture.LIGHTM_UNET,
                PlannerSettings.defaults(Architecture.LIGHTM_UNET).withMemory(1L << 20)));
        assertTrue(e.getMessage().contains("--memory"), e.getMessage());
    }

    @Test
    void overridesReplaceChoicesAndBadOnesAreNamed() {
        DatasetFingerprint fp = fingerprint("MR", new double[][] { { 1, 1 }, { 1, 1 } },
                new long[][] { { 200, 180 }, { 200, 180 } });
        PlannerSettings s = PlanOverrides.apply(PlannerSettings.defaults(Architecture.RESIDUAL_UNET),
                List.of("patch_size=64,32", "batchSize=3", "target_spacing=2,2", "crop_to_nonzero=false", "memory=2G"));
        PreprocessingPlan p = Planner.plan(fp, s);
        assertArrayEquals(new long[] { 64, 32 }, p.patchSize());
        assertEquals(3, p.batchSize());
        assertArrayEquals(new double[] { 2, 2 }, p.targetSpacing());
        assertEquals(false, p.cropToNonzero());
        assertEquals(2L << 30, p.memoryBudgetBytes());
        assertEquals(NormalizationScheme.ZSCORE, p.normalization().get(0).scheme());
        PlannerSettings d = PlannerSettings.defaults(Architecture.RESIDUAL_UNET);
        for (String[] bad : new String[][] { { "patch_size=64,a", "patch_size" }, { "batch_size=0", "batch_size" },
                { "target_spacing=-1,1", "target_spacing" }, { "crop_to_nonzero=maybe", "crop_to_nonzero" },
                { "memory=lots", "memory" }, { "colour=red", "colour" }, { "nothing", "field=value" } }) {
            MedSegException e = assertThrows(MedSegException.class, () -> PlanOverrides.apply(d, bad[0]));
            assertTrue(e.getMessage().contains(bad[1]) && !e.getMessage().contains("\n"), e.getMessage());
        }
        MedSegException e = assertThrows(MedSegException.class,
                () -> Planner.plan(fp, PlanOverrides.apply(d, "patch_size=60,64")));
        assertTrue(e.getMessage().contains("divisible"), e.getMessage());
    }

    @Test
    void planFileRoundTripAndStrictReading() throws Exception {
        DatasetFingerprint fp = fingerprint("CT", new double[][] { { 1, 1, 3 }, { 1, 1, 3 } },
                new long[][] { { 64, 64, 32 }, { 64, 64, 32 } });
        PreprocessingPlan p = Planner.plan(fp, Architecture.UMAMBA_BOT, PlannerSettings.defaults(Architecture.UMAMBA_BOT));
        Path f = dir.resolve("plan.json");
        PlanFiles.write(f, p);
        PreprocessingPlan back = PlanFiles.read(f);
        assertEquals(PlanFiles.toJson(p), PlanFiles.toJson(back));
        assertArrayEquals(p.patchSize(), back.patchSize());
        assertEquals(p.network(), back.network());
        assertEquals(p.normalization(), back.normalization());
        assertThrows(MedSegException.class, () -> PlanFiles.write(f, p)); // no silent overwrite
        PlanFiles.write(f, back, true); // replacing is explicit
        ChannelNormalization z = ChannelNormalization.zscore();
        String zjson = PlanFiles.toJson(new PreprocessingPlan(p.dims(), p.channelNames(), p.labels(), p.targetSpacing(),
                true, List.of(z), p.resampling(), p.patchSize(), 2, p.network(), 1L << 30));
        assertEquals(z, PlanFiles.fromJson(zjson, "z").normalization().get(0)); // infinite bounds survive as null
        String json = Files.readString(f);
        for (String[] bad : new String[][] { { json.replace("\"batchSize\"", "\"batchSzie\""), "batchSzie" },
                { json.replaceFirst("\"dims\": 3", "\"dims\": 4"), "dims" }, { "{ \"dims\": 3 }", "missing" },
                { json.replaceFirst("\"batchSize\": \\d+", "\"batchSize\": 0"), "batchSize" } }) {
            MedSegException e = assertThrows(MedSegException.class, () -> PlanFiles.fromJson(bad[0], "plan.json"));
            assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
        }
    }

    @Test
    void twoDimensionalPlanOfVolumesPlansTheirSlices() {
        // thick slices across axis 1 (the planner must find the axis rather than assume k)
        double[][] sp = { { 0.7, 4, 0.7 }, { 0.7, 5, 0.7 }, { 0.7, 4, 0.7 } };
        long[][] sh = { { 160, 24, 128 }, { 160, 20, 128 }, { 160, 24, 128 } };
        DatasetFingerprint fp = fingerprint("MR", sp, sh);
        PlannerSettings s = PlannerSettings.defaults(Architecture.RESIDUAL_UNET).withMemory(8L << 30).withDims(2);
        PreprocessingPlan p = Planner.plan(fp, s);
        assertEquals(2, p.dims());
        assertEquals(1, p.sliceAxis());
        assertEquals(3, p.imageDims());
        // full resolution: (0.7, 4, 0.7), axis 1 anisotropic (10th percentile of 4, 5, 4 is 4); in plane (0.7, 0.7)
        assertArrayEquals(new double[] { 0.7, 0.7 }, p.targetSpacing(), 1e-12);
        // the patch search is the 2D one from the median in-plane shape: as if the slices were a 2D dataset
        double[][] sp2 = { { 0.7, 0.7 }, { 0.7, 0.7 }, { 0.7, 0.7 } };
        long[][] sh2 = { { 160, 128 }, { 160, 128 }, { 160, 128 } };
        PreprocessingPlan slices = Planner.plan(fingerprint("MR", sp2, sh2),
                PlannerSettings.defaults(Architecture.RESIDUAL_UNET).withMemory(8L << 30));
        assertArrayEquals(slices.patchSize(), p.patchSize());
        assertEquals(slices.network(), p.network());
        assertEquals(null, slices.sliceAxis());
        // the batch covers at most 5% of the volumes' voxels (median 160 x 24 x 128, 3 cases), as nnU-Net caps it
        long patchVoxels = p.patchSize()[0] * p.patchSize()[1];
        assertEquals(Math.max(2, Math.round(3 * 160 * 24 * 128 * 0.05 / patchVoxels)), p.batchSize());
        assertTrue(ArchitectureMemory.trainingBytes(p.network(), p.patchSize(), p.batchSize()) <= 8L << 30);
        // an in-plane override keeps the slice axis and rescales the in-plane median shape
        PreprocessingPlan coarse = Planner.plan(fp, s.withTargetSpacing(new double[] { 1.4, 1.4 }));
        assertEquals(1, coarse.sliceAxis());
        assertArrayEquals(new double[] { 1.4, 1.4 }, coarse.targetSpacing(), 1e-12);
        MedSegException e = assertThrows(MedSegException.class,
                () -> Planner.plan(fp, s.withTargetSpacing(new double[] { 1, 1, 1 })));
        assertTrue(e.getMessage().contains("expected 2 values for a 2D plan of 3D images"), e.getMessage());
        // a 3D network on 2D images is refused, naming the setting
        e = assertThrows(MedSegException.class, () -> Planner.plan(fingerprint("MR", sp2, sh2), s.withDims(3)));
        assertTrue(e.getMessage().startsWith("dims 3: the dataset's images are 2D"), e.getMessage());
    }

    @Test
    void slicesAreTakenAcrossTheCoarsestAxisTiesGoingToTheLast() {
        assertEquals(0, Planner.sliceAxis(new double[] { 3, 1, 1 }));
        assertEquals(1, Planner.sliceAxis(new double[] { 1, 2.5, 1 }));
        // isotropic volumes: across k, nnU-Net's first axis once it has read the file in (k, j, i) order
        assertEquals(2, Planner.sliceAxis(new double[] { 1, 1, 1 }));
        assertEquals(2, Planner.sliceAxis(new double[] { 2, 1, 2 }));
    }

    @Test
    void sliceAxisIsStoredOnlyForPlansOfSlicesAndOlderPlansRead() throws Exception {
        DatasetFingerprint fp = fingerprint("CT", new double[][] { { 1, 1, 3 }, { 1, 1, 3 } },
                new long[][] { { 64, 64, 32 }, { 64, 64, 32 } });
        PreprocessingPlan volumes = Planner.plan(fp, PlannerSettings.defaults(Architecture.RESIDUAL_UNET));
        // a plan without slicing is written as before slicing existed, and such a file reads back without it
        String older = PlanFiles.toJson(volumes);
        assertTrue(!older.contains("sliceAxis"), older);
        assertEquals(null, PlanFiles.fromJson(older, "older plan.json").sliceAxis());
        PreprocessingPlan sliced = Planner.plan(fp, PlannerSettings.defaults(Architecture.RESIDUAL_UNET).withDims(2));
        assertEquals(2, sliced.sliceAxis());
        Path f = dir.resolve("sliced.json");
        PlanFiles.write(f, sliced);
        assertEquals(2, PlanFiles.read(f).sliceAxis());
        String json = Files.readString(f);
        for (String[] bad : new String[][] { { json.replace("\"sliceAxis\": 2", "\"sliceAxis\": 5"), "got 5" },
                { older.replace("\"dims\": 3,", "\"dims\": 3, \"sliceAxis\": 0,"), "in a 3D plan" } }) {
            MedSegException e = assertThrows(MedSegException.class, () -> PlanFiles.fromJson(bad[0], "plan.json"));
            assertTrue(e.getMessage().startsWith("plan.json: field 'sliceAxis' must be 0, 1 or 2 in a 2D plan"),
                    e.getMessage());
            assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
        }
    }

    /** Two channels (MR, CT) over cases whose crop keeps the given fraction of their 100×100 slice. */
    private static DatasetFingerprint cropped(double... keptFractions) {
        List<CaseFingerprint> cases = new ArrayList<>();
        for (int i = 0; i < keptFractions.length; i++) {
            long rows = Math.round(100 * keptFractions[i]);
            cases.add(new CaseFingerprint("c" + i, new long[] { 100, 100 }, new double[] { 1, 1 },
                    new long[] { 100, rows }));
        }
        IntensityStatistics s = new IntensityStatistics(40, 20, 38, -100, 300, -500, 900);
        return new DatasetFingerprint(2, Map.of("0", "T1", "1", "CT"), Map.of("background", 0, "organ", 1), cases,
                List.of(s, s), Map.of(0, 1000L, 1, 100L));
    }

    @Test
    void maskForNormWhenCroppingShrankTheMedianCaseByMoreThanAQuarter() {
        PlannerSettings d = PlannerSettings.defaults(Architecture.RESIDUAL_UNET);
        // kept 0.5, 0.6, 0.9: median 0.6 < 0.75, so the z-score channel uses the mask and the CT channel never does
        PreprocessingPlan shrunk = Planner.plan(cropped(0.5, 0.9, 0.6), d);
        assertEquals(0.6, Planner.medianRelativeSizeAfterCropping(cropped(0.5, 0.9, 0.6)), 1e-12);
        assertEquals(ChannelNormalization.zscore(true), shrunk.normalization().get(0));
        assertEquals(NormalizationScheme.CT, shrunk.normalization().get(1).scheme());
        assertEquals(false, shrunk.normalization().get(1).useMaskForNorm());
        assertArrayEquals(new boolean[] { true, false }, shrunk.maskedChannels());
        // median 0.8, and exactly 0.75 (nnU-Net's rule is a strict "<"): the whole crop counts
        assertEquals(ChannelNormalization.zscore(false), Planner.plan(cropped(0.5, 0.8, 0.9), d).normalization().get(0));
        assertEquals(ChannelNormalization.zscore(false), Planner.plan(cropped(0.75, 0.75), d).normalization().get(0));
        // without cropping there is no mask to normalise in
        assertEquals(ChannelNormalization.zscore(false), Planner.plan(cropped(0.5, 0.5),
                PlanOverrides.apply(d, "crop_to_nonzero=false")).normalization().get(0));
    }

    @Test
    void maskForNormIsStoredAndOlderPlansReadAsTheyWereUsed() {
        PreprocessingPlan p = Planner.plan(cropped(0.5, 0.6), PlannerSettings.defaults(Architecture.RESIDUAL_UNET));
        String json = PlanFiles.toJson(p);
        assertTrue(json.contains("\"useMaskForNorm\": true") && json.contains("\"useMaskForNorm\": false"), json);
        assertEquals(p.normalization(), PlanFiles.fromJson(json, "plan.json").normalization());
        // plans from before the field: z-score channels used the mask whenever the case was cropped
        String legacy = json.replaceAll(",\\s*\"useMaskForNorm\": (true|false)", "");
        assertTrue(!legacy.contains("useMaskForNorm"), legacy);
        PreprocessingPlan old = PlanFiles.fromJson(legacy, "old plan.json");
        assertEquals(List.of(true, false), old.normalization().stream().map(ChannelNormalization::useMaskForNorm).toList());
        PreprocessingPlan oldUncropped = PlanFiles.fromJson(legacy.replace("\"cropToNonzero\": true",
                "\"cropToNonzero\": false"), "old plan.json");
        assertEquals(List.of(false, false), oldUncropped.normalization().stream()
                .map(ChannelNormalization::useMaskForNorm).toList());
        // a hand-edited plan asking for the mask without the crop that makes it, or for it on CT, is refused
        for (String[] bad : new String[][] { { json.replace("\"cropToNonzero\": true", "\"cropToNonzero\": false"),
                "cropToNonzero" }, { json.replace("\"useMaskForNorm\": false", "\"useMaskForNorm\": true"), "CT" } }) {
            MedSegException e = assertThrows(MedSegException.class, () -> PlanFiles.fromJson(bad[0], "plan.json"));
            assertTrue(e.getMessage().startsWith("plan.json") && e.getMessage().contains(bad[1])
                    && !e.getMessage().contains("\n"), e.getMessage());
        }
    }
}
