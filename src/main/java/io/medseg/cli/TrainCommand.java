package io.medseg.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.medseg.MedSegException;
import io.medseg.dataset.DatasetCase;
import io.medseg.dataset.DatasetSplit;
import io.medseg.dataset.SegmentationDataset;
import io.medseg.engine.DeviceMemory;
import io.medseg.engine.Devices;
import io.medseg.evaluation.HeldOutValidation;
import io.medseg.evaluation.MetricSummary;
import io.medseg.evaluation.ScoreReport;
import io.medseg.model.ModelFile;
import io.medseg.model.ModelMetadata;
import io.medseg.nn.networks.Architecture;
import io.medseg.postprocessing.PostprocessingSearch;
import io.medseg.preprocessing.CaseCache;
import io.medseg.preprocessing.DatasetFingerprint;
import io.medseg.preprocessing.FingerprintExtractor;
import io.medseg.preprocessing.MemorySize;
import io.medseg.preprocessing.PlanFiles;
import io.medseg.preprocessing.Planner;
import io.medseg.preprocessing.PlannerSettings;
import io.medseg.preprocessing.PreprocessedCase;
import io.medseg.preprocessing.PreprocessingPlan;
import io.medseg.training.Trainer;
import io.medseg.training.TrainingOptions;
import io.medseg.training.TrainingSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code medseg train DATASET --model M --dims D --out DIR}: plan (or take a plan), preprocess, split off validation
 * cases, train with the architecture's published recipe, write the model and its history into DIR.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = { "Train a segmentation network on an nnU-Net-layout dataset, nnU-Net style:",
                "plan, preprocess, hold out validation cases, train with the architecture's",
                "published recipe (optimiser, rate, schedule), validate every epoch",
                "(pseudo-Dice) and write into MODEL_DIR: plan.json, model.medseg (final",
                "weights), checkpoint_latest/best.medseg, history.csv/.json, progress.png.",
                "A run stopped for any reason (Ctrl-C, kill -9) continues with --resume." })
final class TrainCommand extends MedSegCommand {
    static final String PLAN_FILE = "plan.json";
    static final String PREPROCESSED = "preprocessed";
    static final String VALIDATION = "validation";

    @Parameters(index = "0", paramLabel = "DATASET", description = "Dataset folder (dataset.json, imagesTr, labelsTr).")
    Path dataset;

    @Option(names = "--model", description = "Network: lightm-unet, xlstm-unet-bot, xlstm-unet-enc, umamba-bot,"
            + " umamba-enc or residual-unet (alias resunet).")
    String model;

    @Option(names = "--dims", description = "2 or 3: the network's. 2 on a 3D dataset trains a 2D network on slices"
            + " of the volumes and predicts them slice by slice (nnU-Net's 2d configuration).")
    Integer dims;

    @Option(names = "--out", required = true, paramLabel = "MODEL_DIR", description = "Folder for the trained model"
            + " and its run files (new or empty, or the folder of the run to resume).")
    Path out;

    @Option(names = "--plan", paramLabel = "FILE", description = "Use this plan (from `medseg plan`) instead of planning.")
    Path planFile;

    @Option(names = "--epochs", description = "Epochs (default: the architecture's recipe: LightM-UNet 100,"
            + " xLSTM-UNet 4000, nnU-Net family 1000).")
    Integer epochs;

    @Option(names = "--iters", description = "Iterations (optimiser steps) per epoch (default 250).")
    Integer iterations;

    @Option(names = "--batch", description = "Patches per step (default: the plan's).")
    Integer batch;

    @Option(names = "--patch", split = ",", paramLabel = "N", description = "Patch size per axis, e.g. 64,64"
            + " (default: the plan's).")
    long[] patch;

    @Option(names = "--lr", description = "Initial learning rate (default: the recipe's: LightM-UNet 1e-4 Adam,"
            + " xLSTM-UNet 5e-3 SGD, nnU-Net family 1e-2 SGD).")
    Double learningRate;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu:N (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for initialisation, data order and"
            + " augmentation (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--resume", description = "Continue the run in MODEL_DIR where it stopped (its plan and settings"
            + " are reused; only --device may change).")
    boolean resume;

    @Option(names = "--val-fraction", defaultValue = "0.2", description = "Share of the training cases held out for"
            + " validation (default ${DEFAULT-VALUE}; 0 = none).")
    double validationFraction;

    @Option(names = "--val-iters", defaultValue = "50", description = "Validation batches per epoch for the"
            + " pseudo-Dice (default ${DEFAULT-VALUE}, as nnU-Net).")
    int validationIterations;

    @Option(names = "--patience", defaultValue = "0", description = "Stop early after this many epochs without a"
            + " better moving-average pseudo-Dice (default 0: never).")
    int patience;

    @Option(names = "--precision", defaultValue = "auto", description = "fp32, bf16 or auto (bf16 on GPUs that"
            + " support it; default ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--memory", defaultValue = "auto", description = "Memory budget for planning, e.g. 8G (default:"
            + " the GPU's memory, else half of the machine's).")
    String memory;

    @Option(names = "--no-augmentation", description = "Train on unaugmented patches.")
    boolean noAugmentation;

    @Option(names = "--loader-threads", defaultValue = "2", description = "Threads building augmented batches"
            + " (default ${DEFAULT-VALUE}).")
    int loaderThreads;

    @Override
    public Integer call() throws java.io.IOException {
        SegmentationDataset ds = SegmentationDataset.open(dataset);
        PreprocessingPlan plan;
        TrainingSettings settings;
        if (resume) {
            TrainingSettings stored = Trainer.storedSettings(out);
            plan = PlanFiles.read(out.resolve(PLAN_FILE));
            settings = stored.withDevice(device);
        } else {
            if (model == null || dims == null) {
                throw new MedSegException("--model and --dims are required (except with --resume)");
            }
            if (dims != 2 && dims != 3) {
                throw new MedSegException("--dims " + dims + ": expected 2 or 3");
            }
            checkNewRunFolder();
            Architecture architecture = Architecture.of(model);
            plan = plan(ds, architecture);
            settings = settings(plan);
            Files.createDirectories(out);
            PlanFiles.write(out.resolve(PLAN_FILE), plan, false);
        }
        out().printf(Locale.ROOT, "training %s %dD, patch %s, batch %d, %d epochs x %d iterations, seed %d%n",
                plan.network().architecture().id(), plan.dims(), java.util.Arrays.toString(plan.patchSize()),
                settings.batchSize(), settings.recipe().epochs(), settings.recipe().iterationsPerEpoch(),
                settings.seed());
        List<PreprocessedCase> cases = preprocessed(ds, plan);
        List<List<PreprocessedCase>> split = resume ? Trainer.storedSplit(out, cases)
                : Trainer.split(cases, validationFraction, seed);
        out().printf(Locale.ROOT, "cases: %d training, %d validation%n", split.get(0).size(), split.get(1).size());
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("dataset", ds.root().getFileName().toString());
        notes.put("architecture", plan.network().architecture().id());
        Trainer trainer = new Trainer(plan, settings, notes);
        Trainer.Result result = trainer.train(split.get(0), split.get(1), out, resume, new ProgressBar(out(), System.console() != null),
                () -> false);
        out().printf(Locale.ROOT, "model written to %s (best epoch %d%s)%n", result.model(), result.bestEpoch(),
                result.stoppedEarly() ? ", stopped early" : "");
        validate(ds, split.get(1), result);
        return 0;
    }

    /** Predicts the held-out cases whole with the final model and scores them (nnU-Net's final validation). */
    private void validate(SegmentationDataset ds, List<PreprocessedCase> held, Trainer.Result result) {
        if (held.isEmpty()) {
            return;
        }
        Map<String, DatasetCase> byId = new LinkedHashMap<>();
        ds.cases(DatasetSplit.TRAIN).forEach(c -> byId.put(c.id(), c));
        List<DatasetCase> cases = held.stream().map(c -> byId.get(c.id())).toList();
        Path dir = out.resolve(VALIDATION);
        HeldOutValidation.Result validation = HeldOutValidation.run(result.model(), cases, dir,
                Devices.parse(device).primary(), ds.fileEnding(), line -> {
                    out().println(line);
                    out().flush();
                });
        ScoreReport report = validation.scores();
        for (var label : report.summary().entrySet()) {
            MetricSummary dice = label.getValue().get("dice");
            out().printf(Locale.ROOT, "validation label %d: mean Dice %.4f (n %d)%n", label.getKey(), dice.mean(),
                    dice.n());
        }
        out().println("validation predictions and scores in " + dir);
        PostprocessingSearch.Decision pp = validation.postprocessing();
        ModelMetadata metadata = ModelFile.readHeader(result.model()).metadata();
        ModelFile.replaceMetadata(result.model(), metadata.withPostprocessing(pp.postprocessing()));
        out().printf(Locale.ROOT, "postprocessing: %s (validation mean foreground Dice %.4f -> %.4f), stored in %s%n",
                pp.postprocessing().describe(), pp.foregroundBefore(), pp.foregroundAfter(), result.model());
    }

    private void checkNewRunFolder() {
        if (Files.isRegularFile(out.resolve(Trainer.LATEST))) {
            throw new MedSegException(out + ": holds a training run already; add --resume to continue it or choose"
                    + " another --out");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new MedSegException(out + ": not a folder");
        }
        if (Files.isDirectory(out)) {
            try (var entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new MedSegException(out + ": folder is not empty; choose a new --out");
                }
            } catch (java.io.IOException e) {
                throw new MedSegException(out + ": cannot read folder (" + e.getMessage() + ")", e);
            }
        }
    }

    private PreprocessingPlan plan(SegmentationDataset ds, Architecture architecture) {
        PreprocessingPlan plan;
        if (planFile != null) {
            plan = PlanFiles.read(planFile);
            if (plan.network().architecture() != architecture) {
                throw new MedSegException(planFile + ": plans " + plan.network().architecture().id() + ", not --model "
                        + architecture.id() + "; plan again with `medseg plan --model " + architecture.id() + "`");
            }
        } else {
            PlannerSettings ps = PlannerSettings.defaults(architecture).withMemory(budget()).withDims(dims);
            if (patch != null) {
                ps = ps.withPatchSize(patch);
            }
            if (batch != null) {
                ps = ps.withBatchSize(batch);
            }
            DatasetFingerprint fp = FingerprintExtractor.extract(ds);
            Planner.checkDims(fp, dims, "--dims");
            plan = Planner.plan(fp, ps);
            PlanCommand.print(out(), fp, plan);
        }
        if (plan.dims() != dims) {
            throw new MedSegException("--dims " + dims + ": the plan " + planFile + " is " + plan.dims() + "D; plan"
                    + " again with `medseg plan --dims " + dims + "`");
        }
        return plan;
    }

    private long budget() {
        return "auto".equalsIgnoreCase(memory.trim()) ? DeviceMemory.detect().bytes() : MemorySize.parse(memory, "--memory");
    }

    private TrainingSettings settings(PreprocessingPlan plan) {
        if (epochs != null) {
            positive(epochs, "--epochs");
        }
        if (iterations != null) {
            positive(iterations, "--iters");
        }
        if (learningRate != null && !(learningRate > 0)) {
            throw new MedSegException("--lr must be positive, got " + learningRate);
        }
        if (validationFraction < 0 || validationFraction >= 1) {
            throw new MedSegException("--val-fraction must be in [0, 1), got " + validationFraction);
        }
        if (validationIterations < 0 || patience < 0) {
            throw new MedSegException("--val-iters and --patience must be >= 0");
        }
        if (batch != null) {
            positive(batch, "--batch");
        }
        return new TrainingOptions(epochs, iterations, learningRate, batch, validationIterations, patience, seed,
                positive(loaderThreads, "--loader-threads"), !noAugmentation, device, precision(precision))
                .settings(plan);
    }

    private static TrainingSettings.Precision precision(String p) {
        try {
            return TrainingSettings.Precision.valueOf(p.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new MedSegException("--precision: '" + p + "' is not fp32, bf16 or auto");
        }
    }

    private static int positive(int v, String option) {
        if (v < 1) {
            throw new MedSegException(option + " must be >= 1, got " + v);
        }
        return v;
    }

    /** Preprocessed training cases, cached under MODEL_DIR/preprocessed (reused when resuming). */
    private List<PreprocessedCase> preprocessed(SegmentationDataset ds, PreprocessingPlan plan) {
        Path dir = out.resolve(PREPROCESSED);
        List<DatasetCase> labelled = ds.cases(DatasetSplit.TRAIN).stream().filter(DatasetCase::hasLabel).toList();
        boolean cached = Files.isDirectory(dir)
                && labelled.stream().allMatch(c -> Files.isRegularFile(CaseCache.fileFor(dir, c.id())));
        if (!cached) {
            long t0 = System.nanoTime();
            CaseCache.writeAll(ds, plan, dir);
            out().printf(Locale.ROOT, "preprocessed %d cases in %.1f s%n", labelled.size(), (System.nanoTime() - t0) / 1e9);
        }
        List<PreprocessedCase> cases = new ArrayList<>();
        for (DatasetCase c : labelled) {
            cases.add(CaseCache.read(CaseCache.fileFor(dir, c.id())));
        }
        return cases;
    }
}
