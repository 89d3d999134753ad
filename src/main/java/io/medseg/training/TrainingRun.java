package io.medseg.training;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.medseg.MedSegException;
import io.medseg.dataset.DatasetCase;
import io.medseg.dataset.DatasetSplit;
import io.medseg.engine.DeviceMemory;
import io.medseg.engine.Devices;
import io.medseg.evaluation.ScoreReport;
import io.medseg.io.AtomicFiles;
import io.medseg.postprocessing.PostprocessingSearch;
import io.medseg.preprocessing.CaseCache;
import io.medseg.preprocessing.DatasetFingerprint;
import io.medseg.preprocessing.FingerprintExtractor;
import io.medseg.preprocessing.PlanFiles;
import io.medseg.preprocessing.Planner;
import io.medseg.preprocessing.PlannerSettings;
import io.medseg.preprocessing.PreprocessedCase;
import io.medseg.preprocessing.PreprocessingPlan;

/**
 * The one training entry point, nnU-Net's plan-preprocess-train-validate in one call, which {@code medseg train} and
 * the Segmentation Learner node (and through it workflows and KNIME) both wrap: plan when no plan is given, preprocess
 * raw cases (cached in {@value #PREPROCESSED}/ of the run folder), split off validation cases (or take the given
 * ones, or on resume the stored split), train (resuming from the run folder's checkpoint), then predict the held-out
 * cases, decide the postprocessing ({@link FinalValidation}) and store it in the model. Build one with
 * {@link #builder()}; the builder checks every value against the limits both front ends share and reports every
 * problem at once.
 *
 * <p>The data comes either raw ({@link TrainingRunBuilder#setDataset}, the command line: the postprocessing is decided
 * on raw-image predictions, as nnU-Net does) or preprocessed ({@link TrainingRunBuilder#setCases}, the node, which
 * holds its cases only preprocessed: decided on their preprocessed grid). Run folder: {@value #PLAN_FILE}, the
 * trainer's files ({@link Trainer}), {@value #PREPROCESSED}/ for raw data, {@link FinalValidation#FOLDER}/ for a
 * raw-image validation.
 */
public final class TrainingRun {
    public static final String PLAN_FILE = "plan.json";
    public static final String PREPROCESSED = "preprocessed";

    final TrainingRunBuilder b;

    TrainingRun(TrainingRunBuilder builder) {
        this.b = builder;
    }

    public static TrainingRunBuilder builder() {
        return new TrainingRunBuilder();
    }

    /** Whether {@code dir} holds an interrupted or finished run that {@link TrainingRunBuilder#optResume} continues. */
    public static boolean hasCheckpoint(Path dir) {
        return Files.isRegularFile(dir.resolve(Trainer.LATEST));
    }

    /**
     * What the run produced.
     *
     * @param model            the final model (with the decided postprocessing)
     * @param training         the trainer's result (history, best epoch, whether it stopped early)
     * @param trainingCases    cases trained on
     * @param validationCases  cases held out
     * @param scores           raw-image validation scores, or null (no validation cases, or decided on the grid)
     * @param postprocessing   the decision, or null without validation cases
     */
    public record Result(Path model, Trainer.Result training, int trainingCases, int validationCases,
            ScoreReport scores, PostprocessingSearch.Decision postprocessing) {
    }

    /** Plans, preprocesses, trains and validates as built. */
    public Result run() {
        TrainingListener listener = b.listener;
        PreprocessingPlan plan = b.resume ? storedPlan() : plan(listener);
        TrainingSettings settings = b.resume ? Trainer.storedSettings(b.output).withDevice(b.options.device())
                : b.options.settings(plan);
        if (!b.resume) {
            createFolder(b.output);
            PlanFiles.write(b.output.resolve(PLAN_FILE), plan, true);
        }
        List<List<PreprocessedCase>> split = split(cases(plan, listener));
        List<PreprocessedCase> training = split.get(0);
        List<PreprocessedCase> held = split.get(1);
        listener.message(String.format(Locale.ROOT, "training %s %dD, patch %s, batch %d, %d epochs x %d iterations,"
                + " lr %s, seed %d; cases: %d training, %d validation", plan.network().architecture().id(), plan.dims(),
                Arrays.toString(plan.patchSize()), settings.batchSize(), settings.recipe().epochs(),
                settings.recipe().iterationsPerEpoch(),
                BigDecimal.valueOf(settings.recipe().learningRate()).stripTrailingZeros().toPlainString(), settings.seed(),
                training.size(), held.size()));
        if (held.isEmpty() && settings.validationIterations() > 0) {
            listener.warning("no validation cases: the pseudo-Dice is not computed and the last epoch's model is kept");
        }
        Map<String, String> notes = new LinkedHashMap<>(b.notes);
        notes.put("architecture", plan.network().architecture().id());
        Trainer.Result trained = new Trainer(plan, settings, notes).train(training, held, b.output, b.resume,
                listener, b.cancelled);
        if (trained.stoppedEarly()) {
            listener.warning("stopped early after " + trained.history().size() + " epochs without improvement"
                    + " (patience " + settings.earlyStoppingPatience() + ")");
        }
        Path model = b.modelFile == null ? trained.model() : copy(trained.model(), b.modelFile);
        listener.message(String.format(Locale.ROOT, "model written to %s (best epoch %d%s)", model,
                trained.bestEpoch(), trained.stoppedEarly() ? ", stopped early" : ""));
        FinalValidation.Outcome outcome = held.isEmpty() ? new FinalValidation.Outcome(null, null)
                : b.finalValidation().decide(model, held, b.dataset, b.output,
                        Devices.parse(b.options.device()).primary(), listener, b.cancelled);
        return new Result(model, trained, training.size(), held.size(), outcome.scores(), outcome.decision());
    }

    /** A resumed run's plan: the one it wrote when it started, else (runs from before that) the given one. */
    private PreprocessingPlan storedPlan() {
        Path file = b.output.resolve(PLAN_FILE);
        if (Files.isRegularFile(file) || b.plan == null) {
            return PlanFiles.read(file);
        }
        return b.plan;
    }

    private PreprocessingPlan plan(TrainingListener listener) {
        if (b.plan != null) {
            return b.plan;
        }
        PlannerSettings ps = PlannerSettings.defaults(b.architecture)
                .withMemory(b.memoryBytes != null ? b.memoryBytes : DeviceMemory.detect().bytes())
                .withDims(b.dims).withBatchSize(b.options.batchSize());
        if (b.patch != null) {
            ps = ps.withPatchSize(b.patch);
        }
        DatasetFingerprint fp = FingerprintExtractor.extract(b.dataset);
        Planner.checkDims(fp, b.dims, b.names.apply("dims"));
        PreprocessingPlan plan = Planner.plan(fp, ps);
        listener.planned(fp, plan);
        return plan;
    }

    /** All cases to split: the raw dataset's labelled training cases preprocessed (cached), or the given ones. */
    private List<PreprocessedCase> cases(PreprocessingPlan plan, TrainingListener listener) {
        if (b.dataset == null) {
            List<PreprocessedCase> all = new ArrayList<>(b.cases);
            all.addAll(b.validationCases == null ? List.of() : b.validationCases);
            return all;
        }
        Path dir = b.output.resolve(PREPROCESSED);
        List<DatasetCase> labelled = b.dataset.cases(DatasetSplit.TRAIN).stream().filter(DatasetCase::hasLabel)
                .toList();
        boolean cached = Files.isDirectory(dir)
                && labelled.stream().allMatch(c -> Files.isRegularFile(CaseCache.fileFor(dir, c.id())));
        if (!cached) {
            long t0 = System.nanoTime();
            CaseCache.writeAll(b.dataset, plan, dir);
            listener.message(String.format(Locale.ROOT, "preprocessed %d cases in %.1f s", labelled.size(),
                    (System.nanoTime() - t0) / 1e9));
        }
        List<PreprocessedCase> cases = new ArrayList<>();
        for (DatasetCase c : labelled) {
            cases.add(CaseCache.read(CaseCache.fileFor(dir, c.id())));
        }
        return cases;
    }

    /** Training and validation cases: the stored split when resuming, the given validation cases, or a split. */
    private List<List<PreprocessedCase>> split(List<PreprocessedCase> all) {
        if (b.resume) {
            return Trainer.storedSplit(b.output, all);
        }
        if (b.validationCases != null) {
            return List.of(b.cases, b.validationCases);
        }
        return Trainer.split(all, b.options.validationFraction(), b.options.seed());
    }

    private static void createFolder(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new MedSegException(dir + ": cannot create folder (" + AtomicFiles.describe(e) + ")", e);
        }
    }

    private static Path copy(Path from, Path to) {
        AtomicFiles.write(to, true, tmp -> Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING));
        return to;
    }
}
