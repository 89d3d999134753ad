package io.medseg.training;

import io.medseg.dataset.SegmentationDataset;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.BackbonePlan;
import io.medseg.nn.networks.NetworkConfig;
import io.medseg.preprocessing.FingerprintExtractor;
import io.medseg.preprocessing.Planner;
import io.medseg.preprocessing.PlannerSettings;
import io.medseg.preprocessing.PreprocessingPlan;

/** The plan that training tests share for a 2D dataset: the planner's, with a network small enough for tests. */
public final class TinyPlans {
    private TinyPlans() {
    }

    /**
     * The residual UNet plan of {@code ds} with a three-stage UNet of 4-16 features, deep supervision, 16x16 patches
     * and batch 2, which keeps every step in milliseconds.
     */
    public static PreprocessingPlan residualUNet2d(SegmentationDataset ds) {
        PreprocessingPlan planned = Planner.plan(FingerprintExtractor.extract(ds),
                PlannerSettings.defaults(Architecture.RESIDUAL_UNET));
        BackbonePlan tiny = new BackbonePlan(new int[] { 4, 8, 16 }, new long[][] { { 3, 3 }, { 3, 3 }, { 3, 3 } },
                new long[][] { { 1, 1 }, { 2, 2 }, { 2, 2 } }, new int[] { 1, 1, 1 }, new int[] { 1, 1 });
        NetworkConfig network = new NetworkConfig(Architecture.RESIDUAL_UNET, 2, 1, planned.labels().size(), tiny, true);
        return new PreprocessingPlan(2, planned.channelNames(), planned.labels(), planned.targetSpacing(),
                planned.cropToNonzero(), planned.normalization(), planned.resampling(), new long[] { 16, 16 }, 2,
                network, planned.memoryBudgetBytes());
    }
}
