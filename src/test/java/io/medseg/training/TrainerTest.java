package io.medseg.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.medseg.MedSegException;
import io.medseg.dataset.DatasetCase;
import io.medseg.dataset.DatasetSplit;
import io.medseg.dataset.SegmentationDataset;
import io.medseg.engine.DjlEnvironment;
import io.medseg.engine.Devices;
import ai.djl.Device;
import io.medseg.model.ModelFile;
import io.medseg.preprocessing.PreprocessedCase;
import io.medseg.preprocessing.PreprocessingPlan;
import io.medseg.preprocessing.Preprocessor;
import io.medseg.preprocessing.sampling.AugmentationSettings;
import io.medseg.synth.SyntheticDatasetWriter;

/**
 * The training loop end to end on a tiny residual UNet and 32×32 phantoms: reproducibility, resume after an
 * interruption, refusal of inconsistent runs, early stopping and the run folder's files.
 */
class TrainerTest {
    @TempDir
    static Path data;

    @TempDir
    Path dir;

    private static PreprocessingPlan plan;
    private static List<PreprocessedCase> cases;

    @BeforeAll
    static void dataset() {
        SyntheticDatasetWriter.write(data.resolve("ds"), 2, 8, 5, new int[] { 32, 32 }, false);
        SegmentationDataset ds = SegmentationDataset.open(data.resolve("ds"));
        plan = TinyPlans.residualUNet2d(ds);
        cases = new ArrayList<>();
        for (DatasetCase c : ds.cases(DatasetSplit.TRAIN)) {
            cases.add(Preprocessor.preprocess(c, plan));
        }
    }

    private static TrainingSettings settings(int epochs, long seed, int patience, double lr) {
        TrainingRecipe recipe = TrainingRecipe.NNUNET.withEpochs(epochs).withIterationsPerEpoch(3).withLearningRate(lr);
        return new TrainingSettings(recipe, 2, 2, patience, seed, 2, AugmentationSettings.nnUNetDefaults(), false,
                "cpu", TrainingSettings.Precision.FP32);
    }

    private static Trainer.Result train(TrainingSettings s, Path out, boolean resume, TrainingListener listener,
            java.util.function.BooleanSupplier cancel) {
        List<List<PreprocessedCase>> split = Trainer.split(cases, 0.25, s.seed());
        return new Trainer(plan, s, Map.of("test", "yes")).train(split.get(0), split.get(1), out, resume, listener,
                cancel);
    }

    private static Trainer.Result train(TrainingSettings s, Path out) {
        return train(s, out, false, new TrainingListener() {
        }, () -> false);
    }

    /** Starts a run of three-iteration epochs and cancels it in its second epoch, after five steps. */
    private static void cancelAfterFiveSteps(TrainingSettings s, Path out) {
        AtomicInteger steps = new AtomicInteger();
        TrainingListener counter = new TrainingListener() {
            @Override
            public void iteration(TrainingProgress p) {
                steps.incrementAndGet();
            }
        };
        assertThrows(CancellationException.class, () -> train(s, out, false, counter, () -> steps.get() >= 5));
    }

    /** Every weight of a model file, in order. */
    private static List<float[]> weights(Path model) {
        try (NDManager m = DjlEnvironment.pytorch().newBaseManager()) {
            List<float[]> w = new ArrayList<>();
            for (Pair<String, Parameter> p : ModelFile.load(model, m).network().getParameters()) {
                w.add(p.getValue().getArray().toFloatArray());
            }
            return w;
        }
    }

    private static void assertSameWeights(List<float[]> a, List<float[]> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), 0f, "parameter " + i);
        }
    }

    @Test
    void stepsWithNonFiniteLossesStopTrainingAndKeepTheLastGoodWeights() {
        TrainingSettings s = settings(3, 7, 0, 1e-2);
        Path out = dir.resolve("nan");
        cancelAfterFiveSteps(s, out);
        List<float[]> good = weights(out.resolve(Trainer.LATEST));

        // the same cases with NaN images: every loss is NaN from here on
        List<PreprocessedCase> poisoned = new ArrayList<>();
        for (PreprocessedCase c : cases) {
            float[] image = c.image().clone();
            java.util.Arrays.fill(image, Float.NaN);
            poisoned.add(new PreprocessedCase(c.id(), c.shape(), image, c.label(), c.mapping()));
        }
        List<List<PreprocessedCase>> split = Trainer.split(poisoned, 0.25, s.seed());
        List<String> messages = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void message(String m) {
                messages.add(m);
            }
        };
        MedSegException e = assertThrows(MedSegException.class, () -> new Trainer(plan, s, Map.of("test", "yes"))
                .train(split.get(0), split.get(1), out, true, listener, () -> false));
        assertTrue(e.getMessage().startsWith("training stopped: " + FiniteStepGuard.DEFAULT_PATIENCE + " steps in a"
                + " row had a non-finite loss or gradient (loss NaN"), e.getMessage());
        assertEquals(1, messages.stream().filter(m -> m.startsWith("warning: skipped a step")).count(), messages
                .toString());
        assertSameWeights(good, weights(out.resolve(Trainer.LATEST)));
    }

    @Test
    void aRunInterruptedAndResumedEqualsAnUninterruptedOne() {
        TrainingSettings s = settings(3, 7, 0, 1e-2);
        Trainer.Result whole = train(s, dir.resolve("whole"));
        assertEquals(3, whole.history().size());

        // cancel in the middle of the second epoch: the first epoch's checkpoint must survive
        Path broken = dir.resolve("broken");
        cancelAfterFiveSteps(s, broken);
        assertTrue(Files.isRegularFile(broken.resolve(Trainer.LATEST)));
        assertFalse(Files.exists(broken.resolve(Trainer.FINAL)));
        assertEquals(1, TrainingHistory.fromJson(com.google.gson.JsonParser.parseString(
                readString(broken.resolve("history.json")))).size());

        AtomicInteger resumedSteps = new AtomicInteger();
        Trainer.Result resumed = train(s, broken, true, new TrainingListener() {
            @Override
            public void iteration(TrainingProgress p) {
                resumedSteps.incrementAndGet();
                assertEquals(p.epoch() * 3L + p.iteration(), p.globalIteration());
            }
        }, () -> false);
        assertEquals(6, resumedSteps.get(), "the resumed run redoes epochs 1 and 2 only");
        assertEquals(3, resumed.history().size());
        assertSameWeights(weights(whole.model()), weights(resumed.model()));
        for (int e = 0; e < 3; e++) {
            assertEquals(whole.history().records().get(e).trainLoss(), resumed.history().records().get(e).trainLoss(),
                    0.0, "epoch " + e + " loss");
        }
    }

    @Test
    void theSeedFixesTheModel() {
        List<float[]> a = weights(train(settings(1, 3, 0, 1e-2), dir.resolve("a")).model());
        List<float[]> b = weights(train(settings(1, 3, 0, 1e-2), dir.resolve("b")).model());
        List<float[]> c = weights(train(settings(1, 4, 0, 1e-2), dir.resolve("c")).model());
        assertSameWeights(a, b);
        assertFalse(java.util.Arrays.equals(a.get(0), c.get(0)), "another seed gives another model");
    }

    @Test
    void theRunFolderHoldsModelCheckpointsHistoryAndChart() throws Exception {
        Path out = dir.resolve("run");
        Trainer.Result r = train(settings(2, 1, 0, 1e-2), out);
        for (String f : List.of(Trainer.FINAL, Trainer.LATEST, Trainer.BEST, Trainer.CHART, "history.csv",
                "history.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        try (var listing = Files.list(out)) {
            assertTrue(listing.noneMatch(p -> p.getFileName().toString().contains(".tmp")), "no temporary files left");
        }
        List<String> csv = Files.readAllLines(out.resolve("history.csv"));
        assertEquals(3, csv.size());
        assertTrue(csv.get(0).startsWith("epoch,train_loss,val_loss,pseudo_dice_"), csv.get(0));
        ModelFile.Header h = ModelFile.readHeader(r.model());
        assertEquals(io.medseg.preprocessing.PlanFiles.toJson(plan), io.medseg.preprocessing.PlanFiles.toJson(h.metadata().plan()),
                "the model carries its plan");
        assertEquals("cpu", h.metadata().versions().get("device"));
        assertTrue(h.training() == null, "the final model has no training state");
        assertTrue(ModelFile.readHeader(out.resolve(Trainer.LATEST)).training() != null);
    }

    @Test
    void inconsistentRunsAreRefused() {
        Path out = dir.resolve("run");
        MedSegException none = assertThrows(MedSegException.class,
                () -> train(settings(1, 1, 0, 1e-2), out, true, new TrainingListener() {
                }, () -> false));
        assertTrue(none.getMessage().contains("nothing to resume"), none.getMessage());
        train(settings(1, 1, 0, 1e-2), out);
        MedSegException again = assertThrows(MedSegException.class, () -> train(settings(1, 1, 0, 1e-2), out));
        assertTrue(again.getMessage().contains("already holds a training run"), again.getMessage());
        MedSegException other = assertThrows(MedSegException.class,
                () -> train(settings(1, 2, 0, 1e-2), out, true, new TrainingListener() {
                }, () -> false));
        assertTrue(other.getMessage().contains("other settings"), other.getMessage());
    }

    @Test
    void earlyStoppingEndsARunThatStopsImproving() {
        // a zero learning rate never changes the weights, so the pseudo-Dice never improves after the first epoch
        List<String> messages = new ArrayList<>();
        Trainer.Result r = train(settings(10, 1, 2, 0), dir.resolve("run"), false, new TrainingListener() {
            @Override
            public void message(String text) {
                messages.add(text);
            }
        }, () -> false);
        assertTrue(r.stoppedEarly());
        assertEquals(3, r.history().size(), "epoch 0 is the best, then two epochs without improvement");
        assertTrue(messages.stream().anyMatch(m -> m.startsWith("early stopping")), messages.toString());
    }

    @Test
    void aDataParallelRunTrainsAndResumesOnTwoReplicas() {
        // the gradient arithmetic is checked exactly in ReplicasTest; here the loop around it: shards, checkpoints
        TrainingSettings s = settings(2, 9, 0, 1e-2);
        List<List<PreprocessedCase>> split = Trainer.split(cases, 0.25, s.seed());
        Devices.Selection twoReplicas = new Devices.Selection(List.of(Device.cpu(), Device.cpu()), "two CPU replicas");
        Trainer.Result r = new Trainer(plan, s, Map.of()).train(split.get(0), split.get(1), dir.resolve("parallel"),
                false, new TrainingListener() {
                }, () -> false, twoReplicas);
        assertEquals(2, r.history().size());
        assertTrue(r.history().records().get(1).trainLoss() < r.history().records().get(0).trainLoss() * 1.5);
        assertTrue(r.history().records().stream().allMatch(e -> Double.isFinite(e.trainLoss())));
    }

    @Test
    void bfloat16IsRefusedOnTheCpu() {
        TrainingSettings fp32 = settings(1, 9, 0, 1e-2);
        TrainingSettings bf16 = new TrainingSettings(fp32.recipe(), 2, 2, 0, 9, 2, fp32.augmentation(), false, "cpu",
                TrainingSettings.Precision.BF16);
        MedSegException e = assertThrows(MedSegException.class, () -> train(bf16, dir.resolve("bf16")));
        assertTrue(e.getMessage().contains("needs a GPU"), e.getMessage());
    }

    private static String readString(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
