package io.medseg.training;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.medseg.MedSegException;
import io.medseg.engine.Devices;
import io.medseg.engine.DjlEnvironment;
import io.medseg.model.ModelFile;
import io.medseg.model.ModelMetadata;
import io.medseg.nn.checkpoint.CheckpointTape;
import io.medseg.nn.networks.NetworkConfig;
import io.medseg.nn.networks.Networks;
import io.medseg.preprocessing.ArchitectureMemory;
import io.medseg.preprocessing.ChannelNormalization;
import io.medseg.preprocessing.PreprocessedCase;
import io.medseg.preprocessing.PreprocessingPlan;
import io.medseg.preprocessing.sampling.AugmentationSettings;
import io.medseg.preprocessing.sampling.Augmenter;
import io.medseg.preprocessing.sampling.Batch;
import io.medseg.preprocessing.sampling.PatchLoader;
import io.medseg.preprocessing.sampling.PatchSampler;

/**
 * nnU-Net's training loop on preprocessed cases: epochs of optimiser steps on augmented patch batches, each step
 * forward under the checkpoint tape (sequence layers recomputed in the backward pass), loss (CE + soft Dice, deep
 * supervision when the network has several heads), backward, gradient clipping and the optimiser; the learning rate
 * set per epoch by the schedule. After each epoch: pseudo-Dice on fixed validation patches and its moving average,
 * the latest checkpoint (weights, optimiser state, position, history) written atomically, the best one when the
 * average improved, the history as CSV/JSON and its chart. At the end the final weights become {@code model.medseg}.
 *
 * <p>Files in the run folder: {@value #LATEST}, {@value #BEST}, {@value #FINAL}, history.csv, history.json,
 * {@value #CHART}.
 *
 * <p>Resuming (after a cancel, a crash or {@code kill -9}) reloads the latest checkpoint and re-runs from the start of
 * the epoch after it: batch n depends only on (seed, n), so the continued run sees exactly the batches the
 * uninterrupted one would have, and on the CPU produces the same model.
 */
public final class Trainer {
    public static final String LATEST = "checkpoint_latest.medseg";
    public static final String BEST = "checkpoint_best.medseg";
    public static final String FINAL = "model.medseg";
    public static final String CHART = "progress.png";

    /** Seed offset of the validation patches, so they differ from the training batches of the same index. */
    private static final long VALIDATION_SEED = 0x5EED_7A11L;

    private final PreprocessingPlan plan;
    private final TrainingSettings settings;
    private final Map<String, String> notes;

    /** What a finished run produced. */
    public record Result(Path model, TrainingHistory history, int bestEpoch, boolean stoppedEarly,
            Map<String, String> versions) {
    }

    /**
     * @param plan     the plan the cases were preprocessed with; its network config and patch size are trained
     * @param settings how to train
     * @param notes    free text kept in the model (dataset, command line)
     */
    public Trainer(PreprocessingPlan plan, TrainingSettings settings, Map<String, String> notes) {
        this.plan = plan;
        this.settings = settings;
        this.notes = new LinkedHashMap<>(notes);
    }

    /**
     * Trains (or, with {@code resume}, continues training) into {@code dir}.
     *
     * @throws CancellationException when {@code cancelled} turns true; the last completed epoch's checkpoint stays
     */
    public Result train(List<PreprocessedCase> training, List<PreprocessedCase> validation, Path dir, boolean resume,
            TrainingListener listener, BooleanSupplier cancelled) {
        return train(training, validation, dir, resume, listener, cancelled, Devices.parse(settings.device()));
    }

    /** {@link #train} on explicitly chosen devices (tests use two CPU replicas to exercise data-parallel steps). */
    Result train(List<PreprocessedCase> training, List<PreprocessedCase> validation, Path dir, boolean resume,
            TrainingListener listener, BooleanSupplier cancelled, Devices.Selection selection) {
        if (training.isEmpty()) {
            throw new MedSegException("no training cases");
        }
        Engine engine = DjlEnvironment.pytorch();
        listener.message("device: " + selection.description());
        if (settings.batchSize() < selection.devices().size()) {
            throw new MedSegException("--batch " + settings.batchSize() + " is smaller than the number of devices ("
                    + selection.devices().size() + "); every device needs at least one patch per step");
        }
        DataType compute = computeType(selection);
        if (compute != DataType.FLOAT32) {
            listener.message("mixed precision: " + compute + " activations, float32 weights and scans");
        }
        Map<String, String> versions = Devices.versions(selection.devices());
        listener.message("engine: DJL " + versions.get("djl") + ", PyTorch " + versions.get("pytorch") + ", CUDA "
                + versions.get("cuda"));
        NetworkConfig config = plan.network();
        long[] patch = plan.patchSize();
        Path latest = dir.resolve(LATEST);
        try (NDManager manager = engine.newBaseManager(selection.primary())) {
            Block network;
            Optimizer optimizer = settings.recipe().newOptimizer();
            TrainingCheckpoint position;
            TrainingHistory history;
            if (resume) {
                if (!Files.isRegularFile(latest)) {
                    throw new MedSegException(dir + ": nothing to resume (no " + LATEST + ")");
                }
                ModelFile.Loaded loaded = ModelFile.load(latest, manager);
                if (loaded.training() == null) {
                    throw new MedSegException(latest + ": not a training checkpoint (no training state)");
                }
                position = TrainingCheckpoint.fromJson(loaded.training(), latest.toString());
                checkSameRun(position, loaded.config(), training, validation, latest);
                network = loaded.network();
                optimizer.loadState(loaded.state(), position.optimizerSteps());
                loaded.state().values().forEach(NDArray::close);
                history = TrainingHistory.fromJson(position.history());
                listener.message(String.format(Locale.ROOT, "resuming at epoch %d of %d (iteration %d)",
                        position.nextEpoch(), settings.recipe().epochs(),
                        (long) position.nextEpoch() * settings.recipe().iterationsPerEpoch()));
            } else {
                if (Files.exists(latest)) {
                    throw new MedSegException(dir + ": already holds a training run (" + LATEST
                            + "); resume it or choose another output folder");
                }
                engine.setRandomSeed((int) settings.seed());
                network = Networks.build(config, patch);
                network.initialize(manager, DataType.FLOAT32, Networks.inputShape(config, patch));
                history = new TrainingHistory();
                position = new TrainingCheckpoint(0, 0, null, null, -1, 0, false,
                        TrainingCheckpoint.settingsJson(settings), history.toJson(), ids(training), ids(validation));
            }
            try (Replicas replicas = new Replicas(engine, network, manager, config, patch, selection.devices(),
                    compute)) {
                Run run = new Run(engine, manager, network, replicas, optimizer, history, position, training,
                        validation, dir, versions, listener, cancelled);
                return run.execute();
            } finally {
                optimizer.close();
            }
        } catch (EngineException e) {
            throw outOfMemory(e, selection);
        }
    }

    /**
     * The activations' type: bfloat16 where asked for, or with AUTO on GPUs of compute capability 8.0+. The CPU always
     * trains in float32: PyTorch's CPU bfloat16 kernels gain nothing there, and this build aborts the process in them.
     */
    private DataType computeType(Devices.Selection selection) {
        return switch (settings.precision()) {
            case FP32 -> DataType.FLOAT32;
            case BF16 -> {
                if (selection.devices().stream().anyMatch(d -> !d.isGpu())) {
                    throw new MedSegException("--precision bf16 needs a GPU; on the CPU training runs in fp32 (use"
                            + " --precision fp32 or auto)");
                }
                yield DataType.BFLOAT16;
            }
            case AUTO -> selection.devices().stream().allMatch(d -> d.isGpu() && Devices.computeCapability(d) >= 80)
                    ? DataType.BFLOAT16 : DataType.FLOAT32;
        };
    }

    private void checkSameRun(TrainingCheckpoint c, NetworkConfig config, List<PreprocessedCase> training,
            List<PreprocessedCase> validation, Path file) {
        if (!config.equals(plan.network())) {
            throw new MedSegException(file + ": was trained with another network config than the plan's");
        }
        if (!TrainingCheckpoint.comparable(c.settings())
                .equals(TrainingCheckpoint.comparable(TrainingCheckpoint.settingsJson(settings)))) {
            throw new MedSegException(file + ": the run was started with other settings (" + c.settings()
                    + "); resume with the same settings");
        }
        if (!c.trainingCases().equals(ids(training)) || !c.validationCases().equals(ids(validation))) {
            throw new MedSegException(file + ": the run was started on other training/validation cases");
        }
    }

    private MedSegException outOfMemory(EngineException e, Devices.Selection selection) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (m.contains("out of memory") || m.contains("can't allocate memory") || m.contains("failed to allocate")) {
            return new MedSegException("out of memory on " + Devices.name(selection.primary()) + " training patch "
                    + Arrays.toString(plan.patchSize()) + " with batch " + settings.batchSize()
                    + "; use a smaller --patch or --batch", e);
        }
        return new MedSegException("training failed in the engine: " + firstLine(e.getMessage()), e);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static List<String> ids(List<PreprocessedCase> cases) {
        return cases.stream().map(PreprocessedCase::id).toList();
    }

    private static int[] ints(long[] v) {
        return Arrays.stream(v).mapToInt(Math::toIntExact).toArray();
    }

    /** One training run's mutable state. */
    private final class Run {
        private final Engine engine;
        private final NDManager manager;
        private final Block network;
        private final Replicas replicas;
        private final Optimizer optimizer;
        private final TrainingHistory history;
        private final List<PreprocessedCase> training;
        private final List<PreprocessedCase> validation;
        private final Path dir;
        private final Map<String, String> versions;
        private final TrainingListener listener;
        private final BooleanSupplier cancelled;
        private final ParameterStore parameters;
        private final SegmentationLoss loss;
        private final int[] patch;
        private final FiniteStepGuard guard;
        private final long graphBudget;
        private TrainingCheckpoint position;

        Run(Engine engine, NDManager manager, Block network, Replicas replicas, Optimizer optimizer,
                TrainingHistory history,
                TrainingCheckpoint position, List<PreprocessedCase> training, List<PreprocessedCase> validation,
                Path dir, Map<String, String> versions, TrainingListener listener, BooleanSupplier cancelled) {
            this.engine = engine;
            this.manager = manager;
            this.network = network;
            this.replicas = replicas;
            this.optimizer = optimizer;
            this.history = history;
            this.position = position;
            this.training = training;
            this.validation = validation;
            this.dir = dir;
            this.versions = versions;
            this.listener = listener;
            this.cancelled = cancelled;
            this.parameters = new ParameterStore(manager, false);
            this.loss = new SegmentationLoss(settings.batchDice());
            this.patch = ints(plan.patchSize());
            this.guard = new FiniteStepGuard(FiniteStepGuard.DEFAULT_PATIENCE, listener::message);
            this.graphBudget = graphBudget();
        }

        /**
         * What a CPU step may spend on keeping sequence layers' activations instead of recomputing them (see
         * {@link CheckpointTape}): the plan's memory budget less the step's estimated peak with recomputation, at most
         * the tape's default (a quarter of the machine's memory), so a run stays within its {@code --memory}.
         */
        private long graphBudget() {
            long step = ArchitectureMemory.trainingBytes(plan.network(), plan.patchSize(), settings.batchSize());
            return Math.max(0, Math.min(plan.memoryBudgetBytes() - step, CheckpointTape.defaultGraphBudget()));
        }

        Result execute() {
            TrainingRecipe recipe = settings.recipe();
            int iterations = recipe.iterationsPerEpoch();
            LearningRateSchedule schedule = recipe.schedule();
            PatchSampler sampler = new PatchSampler(training, patch, sliceAxis(),
                    PatchSampler.DEFAULT_FOREGROUND_FRACTION, settings.seed());
            Augmenter augmenter = new Augmenter(settings.augmentation(), patch, plan.maskedChannels());
            long firstBatch = (long) position.nextEpoch() * iterations;
            EtaEstimator eta = new EtaEstimator();
            try (PatchLoader loader = new PatchLoader(sampler, augmenter, settings.batchSize(), settings.seed(),
                    settings.loaderThreads(), 2 * settings.loaderThreads(), firstBatch);
                    PatchLoader validationLoader = validationLoader()) {
                for (int epoch = position.nextEpoch(); epoch < recipe.epochs() && !position.stoppedEarly(); epoch++) {
                    long epochStart = System.nanoTime();
                    eta.epochStarted(epochStart);
                    schedule.apply(optimizer, epoch);
                    double lossSum = 0;
                    int taken = 0;
                    for (int it = 1; it <= iterations; it++) {
                        if (cancelled.getAsBoolean()) {
                            throw new CancellationException("training cancelled in epoch " + epoch
                                    + "; the checkpoint of the last completed epoch is kept");
                        }
                        double value = step(nextBatch(loader), "epoch " + epoch + " iteration " + it);
                        if (!Double.isNaN(value)) {
                            lossSum += value;
                            taken++;
                        }
                        eta.iterationDone(System.nanoTime());
                        long global = (long) epoch * iterations + it;
                        listener.iteration(new TrainingProgress(epoch, recipe.epochs(), it, iterations, global,
                                settings.totalIterations(), value, optimizer.learningRate(),
                                eta.etaSeconds(settings.totalIterations() - global, recipe.epochs() - epoch - 1)));
                    }
                    long validationStart = System.nanoTime();
                    Validation v = validate(validationLoader);
                    eta.epochOverhead((System.nanoTime() - validationStart) / 1e9);
                    endEpoch(epoch, taken == 0 ? Double.NaN : lossSum / taken, v, (System.nanoTime() - epochStart) / 1e9);
                }
            }
            if (guard.skipped() > 0) {
                listener.message(guard.skipped() + " steps of this run were skipped for a non-finite loss or gradient");
            }
            ModelFile.save(dir.resolve(FINAL), plan.network(), metadata(), network, true);
            return new Result(dir.resolve(FINAL), history, position.bestEpoch(), position.stoppedEarly(), versions);
        }

        /** The axis 2D patches are sliced across from 3D cases (nnU-Net's 2d configuration), or −1. */
        private int sliceAxis() {
            return plan.slicesVolumes() ? plan.sliceAxis() : -1;
        }

        private Batch nextBatch(PatchLoader loader) {
            try {
                return loader.next();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("training interrupted");
            }
        }

        private PatchLoader validationLoader() {
            if (validation.isEmpty() || settings.validationIterations() == 0) {
                return null;
            }
            PatchSampler sampler = new PatchSampler(validation, patch, sliceAxis(),
                    PatchSampler.DEFAULT_FOREGROUND_FRACTION, settings.seed() + VALIDATION_SEED);
            // only build(n) is used, on this thread, so every epoch sees the same validation patches
            return new PatchLoader(sampler, new Augmenter(AugmentationSettings.none(), patch), settings.batchSize(),
                    settings.seed() + VALIDATION_SEED, 1, 1);
        }

        /**
         * One optimiser step; returns the loss, or NaN when {@link #guard} skipped the step. Each computing replica
         * takes its share of the batch (all of it when the master computes directly); every array a step creates is
         * closed at its end.
         */
        private double step(Batch batch, String where) {
            replicas.zeroGradients();
            List<Replicas.Replica> computing = replicas.replicas();
            int n = computing.size();
            double[] shares = new double[n];
            double total = 0;
            for (int r = 0; r < n; r++) {
                Replicas.Replica replica = computing.get(r);
                int from = batch.size() * r / n;
                int to = batch.size() * (r + 1) / n;
                shares[r] = (to - from) / (double) batch.size();
                try (NDScope scope = new NDScope()) {
                    NDArray x = BatchTensors.images(batch, from, to, replica.manager()).toType(replica.type(), false);
                    NDArray y = BatchTensors.labels(batch, from, to, replica.manager());
                    NDArray value;
                    try (GradientCollector collector = engine.newGradientCollector()) {
                        CheckpointTape tape = new CheckpointTape(graphBudget);
                        try (CheckpointTape.Scope recording = tape.activate()) {
                            NDList heads = replica.network().forward(replica.store(), new NDList(x), true);
                            value = lossOf(inFloat32(heads), y);
                        }
                        tape.backward(value);
                    }
                    total += shares[r] * value.toType(DataType.FLOAT64, false).getDouble();
                }
            }
            try (NDScope scope = new NDScope()) {
                replicas.gatherGradients(shares);
                if (!guard.step(total, network.getParameters(), settings.recipe().gradientClipNorm(), optimizer,
                        where)) {
                    return Double.NaN;
                }
            }
            replicas.pull();
            return total;
        }

        /** The loss is computed in float32 whatever the activations' type, as autocast does. */
        private static NDList inFloat32(NDList heads) {
            NDList out = new NDList(heads.size());
            for (NDArray h : heads) {
                out.add(h.getDataType() == DataType.FLOAT32 ? h : h.toType(DataType.FLOAT32, false));
            }
            return out;
        }

        private NDArray lossOf(NDList heads, NDArray labels) {
            if (heads.size() > 1) {
                return new DeepSupervisionLoss(loss).apply(heads, labels);
            }
            return loss.apply(heads.singletonOrThrow(), labels);
        }

        private record Validation(double loss, PseudoDice dice) {
        }

        /** Loss and pseudo-Dice on the fixed validation patches, without gradients; null without validation. */
        private Validation validate(PatchLoader loader) {
            if (loader == null) {
                return null;
            }
            PseudoDice dice = new PseudoDice(plan.network().classes());
            double sum = 0;
            for (int n = 0; n < settings.validationIterations(); n++) {
                if (cancelled.getAsBoolean()) {
                    throw new CancellationException("training cancelled during validation");
                }
                Batch b = loader.build(n);
                try (NDScope scope = new NDScope()) {
                    NDArray y = BatchTensors.labels(b, 0, b.size(), manager);
                    NDList heads = network.forward(parameters, new NDList(BatchTensors.images(b, 0, b.size(), manager)), false);
                    sum += lossOf(heads, y).toType(DataType.FLOAT64, false).getDouble();
                    dice.add(heads.get(0), y);
                }
            }
            return new Validation(sum / settings.validationIterations(), dice);
        }

        private void endEpoch(int epoch, double trainLoss, Validation v, double seconds) {
            Map<String, Double> perLabel = new LinkedHashMap<>();
            plan.labels().forEach((name, value) -> {
                if (value != 0) {
                    perLabel.put(name, v == null ? Double.NaN : v.dice().dice(value));
                }
            });
            double mean = v == null ? Double.NaN : v.dice().mean();
            Double ema = position.ema();
            if (!Double.isNaN(mean)) {
                ema = ema == null ? mean : 0.9 * ema + 0.1 * mean; // nnU-Net's moving average
            }
            boolean improved = ema != null && (position.bestEma() == null || ema > position.bestEma());
            // without validation every epoch is "best": the last weights are all there is to judge
            improved |= v == null;
            history.add(new EpochRecord(epoch, trainLoss, v == null ? Double.NaN : v.loss(), perLabel, mean,
                    ema == null ? Double.NaN : ema, optimizer.learningRate(), seconds));
            int sinceBest = improved ? 0 : position.epochsWithoutImprovement() + 1;
            boolean stop = settings.earlyStoppingPatience() > 0 && sinceBest >= settings.earlyStoppingPatience()
                    && epoch + 1 < settings.recipe().epochs();
            position = new TrainingCheckpoint(epoch + 1, optimizer.steps(), ema,
                    improved ? ema : position.bestEma(), improved ? epoch : position.bestEpoch(), sinceBest, stop,
                    position.settings(), history.toJson(), position.trainingCases(), position.validationCases());
            ModelFile.save(dir.resolve(LATEST), plan.network(), metadata(), network,
                    new ModelFile.TrainingState(optimizer.state(), position.toJson()), true);
            if (improved) {
                ModelFile.save(dir.resolve(BEST), plan.network(), metadata(), network, true);
            }
            history.write(dir);
            LearningCurveChart.write(history, dir.resolve(CHART));
            listener.epochEnded(history.records().get(epoch), history);
            if (stop) {
                listener.message("early stopping: no better moving-average pseudo-Dice for "
                        + settings.earlyStoppingPatience() + " epochs (best epoch " + position.bestEpoch() + ")");
            }
        }

        private ModelMetadata metadata() {
            Map<String, String> normalisation = new LinkedHashMap<>();
            List<ChannelNormalization> norms = plan.normalization();
            for (int c = 0; c < norms.size(); c++) {
                normalisation.put(String.valueOf(c), norms.get(c).describe());
            }
            Map<String, String> allNotes = new LinkedHashMap<>(notes);
            allNotes.put("epochs", String.valueOf(history.size()));
            allNotes.put("seed", String.valueOf(settings.seed()));
            allNotes.put("skippedSteps", String.valueOf(guard.skipped()));
            allNotes.put("trainingCases", String.join(",", position.trainingCases()));
            allNotes.put("validationCases", String.join(",", position.validationCases()));
            return new ModelMetadata(plan.labels(), plan.channelNames(), plan.patchSize(), normalisation, versions,
                    allNotes, plan);
        }
    }

    /**
     * The settings a run in {@code dir} was started with, read from its latest checkpoint's header (cheap), so a
     * resumed run needs no options repeated; the device may still be changed.
     */
    public static TrainingSettings storedSettings(Path dir) {
        return TrainingCheckpoint.settings(storedPosition(dir), dir.resolve(LATEST));
    }

    /** The training and validation case ids of the run in {@code dir} (to split the same way when resuming). */
    public static List<List<String>> storedSplit(Path dir) {
        TrainingCheckpoint c = storedPosition(dir);
        return List.of(c.trainingCases(), c.validationCases());
    }

    /**
     * The stored split of the run in {@code dir} applied to {@code cases}, in its order (to resume with exactly the
     * cases the run started with).
     */
    public static List<List<PreprocessedCase>> storedSplit(Path dir, List<PreprocessedCase> cases) {
        Map<String, PreprocessedCase> byId = new LinkedHashMap<>();
        cases.forEach(c -> byId.put(c.id(), c));
        List<List<PreprocessedCase>> split = new ArrayList<>();
        for (List<String> part : storedSplit(dir)) {
            List<PreprocessedCase> chosen = new ArrayList<>();
            for (String id : part) {
                PreprocessedCase c = byId.get(id);
                if (c == null) {
                    throw new MedSegException("case " + id + " of the run in " + dir + " is missing");
                }
                chosen.add(c);
            }
            split.add(chosen);
        }
        return split;
    }

    private static TrainingCheckpoint storedPosition(Path dir) {
        Path latest = dir.resolve(LATEST);
        if (!Files.isRegularFile(latest)) {
            throw new MedSegException(dir + ": nothing to resume (no " + LATEST + ")");
        }
        ModelFile.Header h = ModelFile.readHeader(latest);
        if (h.training() == null) {
            throw new MedSegException(latest + ": not a training checkpoint (no training state)");
        }
        return TrainingCheckpoint.fromJson(h.training(), latest.toString());
    }

    /** Splits off validation cases: a seeded shuffle, {@code fraction} of them (at least one when there are two+). */
    public static List<List<PreprocessedCase>> split(List<PreprocessedCase> cases, double fraction, long seed) {
        List<PreprocessedCase> shuffled = new ArrayList<>(cases);
        java.util.Collections.shuffle(shuffled, new java.util.Random(seed));
        int n = fraction <= 0 || cases.size() < 2 ? 0
                : Math.max(1, Math.min(cases.size() - 1, (int) Math.round(fraction * cases.size())));
        return List.of(shuffled.subList(n, shuffled.size()), shuffled.subList(0, n));
    }
}
