package io.medseg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.Device;
import io.medseg.dataset.DatasetCase;
import io.medseg.dataset.DatasetSplit;
import io.medseg.dataset.SegmentationDataset;
import io.medseg.image.Volume;
import io.medseg.inference.CasePrediction;
import io.medseg.inference.CasePredictor;
import io.medseg.inference.SlidingWindowSettings;
import io.medseg.io.ImageFiles;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.BackbonePlan;
import io.medseg.nn.networks.NetworkConfig;
import io.medseg.preprocessing.CropBox;
import io.medseg.preprocessing.FingerprintExtractor;
import io.medseg.preprocessing.Planner;
import io.medseg.preprocessing.PlannerSettings;
import io.medseg.preprocessing.PreprocessedCase;
import io.medseg.preprocessing.PreprocessingPlan;
import io.medseg.preprocessing.Preprocessor;
import io.medseg.preprocessing.sampling.AugmentationSettings;
import io.medseg.synth.SyntheticDatasetSpec;
import io.medseg.synth.SyntheticDatasetWriter;
import io.medseg.synth.SyntheticKind;
import net.imglib2.Cursor;
import net.imglib2.type.numeric.RealType;
import net.imglib2.util.Intervals;
import net.imglib2.view.Views;

/**
 * The issue this guards against, end to end in seconds: heads on an exactly-zero surround (skull-stripped MRI), the
 * plan normalising within the non-zero mask, a tiny residual UNet trained briefly, then raw test images predicted
 * and mapped back. The zero voxels inside the crop box, which training used to ignore, must come out background, as
 * must everything outside the box.
 */
class ZeroSurroundTrainingTest {
    @TempDir
    Path dir;

    @Test
    void theZeroSurroundIsPredictedBackground() {
        Path data = dir.resolve("mri");
        SyntheticDatasetWriter.write(data, new SyntheticDatasetSpec(2, 10, 7, new int[] { 32, 32 }, ".nii.gz",
                SyntheticKind.MASKED_MRI), false);
        SegmentationDataset ds = SegmentationDataset.open(data);
        PreprocessingPlan planned = Planner.plan(FingerprintExtractor.extract(ds),
                PlannerSettings.defaults(Architecture.RESIDUAL_UNET));
        assertTrue(planned.normalization().get(0).useMaskForNorm(), "the crop keeps under 3/4: mask for norm");
        BackbonePlan tiny = new BackbonePlan(new int[] { 8, 16, 32 }, new long[][] { { 3, 3 }, { 3, 3 }, { 3, 3 } },
                new long[][] { { 1, 1 }, { 2, 2 }, { 2, 2 } }, new int[] { 1, 1, 1 }, new int[] { 1, 1 });
        NetworkConfig network = new NetworkConfig(Architecture.RESIDUAL_UNET, 2, 1, 2, tiny, true);
        PreprocessingPlan plan = new PreprocessingPlan(2, planned.channelNames(), planned.labels(),
                planned.targetSpacing(), true, planned.normalization(), planned.resampling(), new long[] { 24, 24 },
                4, network, planned.memoryBudgetBytes());
        List<PreprocessedCase> cases = new ArrayList<>();
        for (DatasetCase c : ds.cases(DatasetSplit.TRAIN)) {
            cases.add(Preprocessor.preprocess(c, plan));
        }
        TrainingRecipe recipe = TrainingRecipe.NNUNET.withEpochs(4).withIterationsPerEpoch(15).withLearningRate(1e-2);
        TrainingSettings settings = new TrainingSettings(recipe, 4, 2, 0, 3, 2, AugmentationSettings.nnUNetDefaults(),
                true, "cpu", TrainingSettings.Precision.FP32);
        List<List<PreprocessedCase>> split = Trainer.split(cases, 0.25, 3);
        Trainer.Result trained = new Trainer(plan, settings, Map.of()).train(split.get(0), split.get(1),
                dir.resolve("model"), false, new TrainingListener() {
                }, () -> false);

        long surround = 0;
        long surroundForeground = 0;
        try (CasePredictor predictor = CasePredictor.open(trained.model(), Device.cpu(),
                SlidingWindowSettings.defaults(), false)) {
            for (DatasetCase c : ds.cases(DatasetSplit.TEST)) {
                Volume image = ImageFiles.read(c.channelImages().get(0));
                CasePrediction p = predictor.predict(c.id(), List.of(image), false);
                float[] x = values(image);
                float[] predicted = values(p.labels());
                CropBox box = Preprocessor.preprocess(c.id(), List.of(image), null, plan).mapping().cropBox();
                for (int v = 0; v < x.length; v++) {
                    int i = v % 32;
                    int j = v / 32;
                    boolean inBox = i >= box.start()[0] && i < box.end()[0] && j >= box.start()[1]
                            && j < box.end()[1];
                    if (!inBox) {
                        assertEquals(0f, predicted[v], "outside the crop box at " + i + "," + j);
                    } else if (x[v] == 0) {
                        surround++;
                        surroundForeground += predicted[v] != 0 ? 1 : 0;
                    }
                }
            }
        }
        assertTrue(surround > 100, surround + " zero voxels inside the crop boxes");
        assertTrue(surroundForeground <= surround / 100, surroundForeground + " of " + surround
                + " zero voxels inside the crop boxes predicted foreground");
    }

    /** A single-channel volume's values, first axis fastest. */
    private static float[] values(Volume v) {
        float[] a = new float[(int) Intervals.numElements(v.channel(0))];
        Cursor<? extends RealType<?>> c = Views.flatIterable(v.channel(0)).cursor();
        for (int i = 0; i < a.length; i++) {
            a[i] = c.next().getRealFloat();
        }
        return a;
    }
}
