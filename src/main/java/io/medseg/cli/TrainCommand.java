package io.medseg.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.medseg.MedSegException;
import io.medseg.dataset.SegmentationDataset;
import io.medseg.nn.networks.Architecture;
import io.medseg.preprocessing.DatasetFingerprint;
import io.medseg.preprocessing.MemorySize;
import io.medseg.preprocessing.PlanFiles;
import io.medseg.preprocessing.PreprocessingPlan;
import io.medseg.training.TrainingOptions;
import io.medseg.training.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code medseg train DATASET --model M --dims D --out DIR}: plan (or take a plan), preprocess, split off validation
 * cases, train with the architecture's published recipe, write the model and its history into DIR. A thin caller of
 * {@link TrainingRun}, which the Segmentation Learner node wraps too: this class only maps options to the builder
 * (and the builder's problems back to option names) and shows progress.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = { "Train a segmentation network on an nnU-Net-layout dataset, nnU-Net style:",
                "plan, preprocess, hold out validation cases, train with the architecture's",
                "published recipe (optimiser, rate, schedule), validate every epoch",
                "(pseudo-Dice) and write into MODEL_DIR: plan.json, model.medseg (final",
                "weights), checkpoint_latest/best.medseg, history.csv/.json, progress.png.",
                "A run stopped for any reason (Ctrl-C, kill -9) continues with --resume." })
final class TrainCommand extends MedSegCommand {
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
            + " validation, in [0, 1); at least one case is always trained on (default ${DEFAULT-VALUE}; 0 = none).")
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

    /** Option names of the learner setting keys the engine's problems use, so errors say what was typed. */
    private static final Map<String, String> OPTIONS = Map.ofEntries(Map.entry("epochs", "--epochs"),
            Map.entry("iterations", "--iters"), Map.entry("learning_rate", "--lr"), Map.entry("batch_size", "--batch"),
            Map.entry("val_fraction", "--val-fraction"), Map.entry("val_iterations", "--val-iters"),
            Map.entry("patience", "--patience"), Map.entry("loader_threads", "--loader-threads"),
            Map.entry("precision", "--precision"), Map.entry("model", "--model"), Map.entry("dims", "--dims"),
            Map.entry("resume", "--resume"), Map.entry("output", "--out"));

    @Override
    public Integer call() {
        SegmentationDataset ds = SegmentationDataset.open(dataset);
        if (!resume) {
            checkNewRunFolder();
        }
        TrainingRun run = TrainingRun.builder()
                .setOutput(out)
                .setDataset(ds)
                .optArchitecture(model == null ? null : Architecture.of(model))
                .optDims(dims)
                .optPlan(planFile == null ? null : PlanFiles.read(planFile), String.valueOf(planFile))
                .optMemory("auto".equalsIgnoreCase(memory.trim()) ? null : MemorySize.parse(memory, "--memory"))
                .optPatch(patch)
                .optOptions(new TrainingOptions(epochs, iterations, learningRate, batch, validationFraction,
                        validationIterations, patience, seed, loaderThreads, !noAugmentation, device, precision))
                .optResume(resume)
                .optNotes(Map.of("dataset", ds.root().getFileName().toString()))
                .optListener(new Listener())
                .optNames(key -> OPTIONS.getOrDefault(key, key))
                .build();
        run.run();
        return 0;
    }

    /** The progress bar, plus the automatic plan printed as {@code medseg plan} prints it. */
    private final class Listener extends ProgressBar {
        Listener() {
            super(out(), System.console() != null);
        }

        @Override
        public void planned(DatasetFingerprint fingerprint, PreprocessingPlan plan) {
            PlanCommand.print(out(), fingerprint, plan);
        }
    }

    /** A new run goes into a folder of its own: refuse one that holds anything (the engine refuses only runs). */
    private void checkNewRunFolder() {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new MedSegException(out + ": not a folder");
        }
        if (Files.isDirectory(out) && !TrainingRun.hasCheckpoint(out)) {
            try (var entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new MedSegException(out + ": folder is not empty; choose a new --out");
                }
            } catch (java.io.IOException e) {
                throw new MedSegException(out + ": cannot read folder (" + e.getMessage() + ")", e);
            }
        }
    }
}
