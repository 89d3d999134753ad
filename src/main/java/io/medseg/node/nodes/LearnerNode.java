package io.medseg.node.nodes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.medseg.engine.Devices;
import io.medseg.inference.CasePredictor;
import io.medseg.inference.SlidingWindowSettings;
import io.medseg.inference.TileProgress;
import io.medseg.io.AtomicFiles;
import io.medseg.model.ModelFile;
import io.medseg.node.AbstractMedSegNode;
import io.medseg.node.ColumnSpec;
import io.medseg.node.ColumnType;
import io.medseg.node.RunContext;
import io.medseg.node.ModelPort;
import io.medseg.node.ModelPortSpec;
import io.medseg.node.SettingValues;
import io.medseg.node.PlanPort;
import io.medseg.node.PlanPortSpec;
import io.medseg.node.PortDefinition;
import io.medseg.node.PortKind;
import io.medseg.node.PortData;
import io.medseg.node.PortSpec;
import io.medseg.node.Setting;
import io.medseg.node.SettingsSchema;
import io.medseg.node.Table;
import io.medseg.node.TableSpec;
import io.medseg.postprocessing.PostprocessingSearch;
import io.medseg.preprocessing.CaseCache;
import io.medseg.preprocessing.PreprocessedCase;
import io.medseg.preprocessing.PreprocessingPlan;
import io.medseg.training.EpochRecord;
import io.medseg.training.Trainer;
import io.medseg.training.TrainingHistory;
import io.medseg.training.TrainingListener;
import io.medseg.training.TrainingOptions;
import io.medseg.training.TrainingProgress;
import io.medseg.training.TrainingSettings;

/**
 * Segmentation Learner: preprocessed cases (+ optional validation cases) + plan → trained model + training-history
 * table, with every setting of the train command. Checkpoints go to the node's checkpoint folder, which survives a
 * cancel; the model, history and learning-curve chart go to its output folder.
 */
public final class LearnerNode extends AbstractMedSegNode {
    public static final String TYPE = "segmentation-learner";
    static final String MODEL_FILE = "model.medseg";

    private static final SettingsSchema SETTINGS = new SettingsSchema(
            Setting.optionalInteger("epochs", 1, 1_000_000, "Epochs (empty: the architecture's recipe: LightM-UNet"
                    + " 100, xLSTM-UNet 4000, nnU-Net family 1000)."),
            Setting.optionalInteger("iterations", 1, 1_000_000, "Optimiser steps per epoch (empty: 250)."),
            Setting.optionalPositive("learning_rate", "Initial learning rate (empty: the recipe's)."),
            Setting.optionalInteger("batch_size", 1, 4096, "Patches per step (empty: the plan's)."),
            Setting.number("val_fraction", 0.2, 0, 0.9, "Share of the cases held out for validation when no"
                    + " validation table is connected (0 = none)."),
            Setting.integer("val_iterations", 50, 0, 100_000, "Validation batches per epoch for the pseudo-Dice."),
            Setting.integer("patience", 0, 0, 1_000_000, "Stop after this many epochs without a better moving-average"
                    + " pseudo-Dice (0 = never)."),
            Setting.integer("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE, "Seed of initialisation, data order and"
                    + " augmentation."),
            DeviceSetting.setting(),
            Setting.choice("precision", "auto", "fp32, bf16 or auto (bf16 on GPUs that support it).", "auto", "fp32",
                    "bf16"),
            Setting.bool("augmentation", true, "Augment training patches on the fly (nnU-Net's augmentations)."),
            Setting.integer("loader_threads", 2, 1, 64, "Threads building augmented batches."));

    public LearnerNode() {
        super(TYPE,
                "Segmentation Learner",
                "Trains the planned network on preprocessed cases with the architecture's published recipe and"
                        + " outputs the model and its training history.",
                List.of(PortDefinition.required("preprocessed", PortKind.TABLE, "Preprocessed training cases."),
                        PortDefinition.required("plan", PortKind.PLAN, "The plan the cases were preprocessed with."),
                        PortDefinition.optional("validation", PortKind.TABLE, "Preprocessed validation cases"
                                + " (instead of holding out val_fraction of the training cases).")),
                List.of(PortDefinition.required("model", PortKind.MODEL, "The trained model."),
                        PortDefinition.required("history", PortKind.TABLE, "One row per epoch: losses, pseudo-Dice,"
                                + " rate, time.")),
                SETTINGS);
    }

    @Override
    public List<PortSpec> configure(List<PortSpec> inputs, SettingValues s) {
        for (int port : new int[] { 0, 2 }) {
            TableSpec t = (TableSpec) inputs.get(port);
            if (t != null) {
                String name = inputs().get(port).name();
                t.require(s.nodeId(), name, CaseTable.CASE, ColumnType.STRING);
                t.require(s.nodeId(), name, PreprocessorNode.PREPROCESSED, ColumnType.PATH);
            }
        }
        PlanPortSpec plan = (PlanPortSpec) inputs.get(1);
        if (s.getString("precision").equals("bf16") && s.getString("device").equals("cpu")) {
            throw s.invalid("precision", "must be fp32 or auto on the CPU (bf16 training is GPU only), got 'bf16'");
        }
        Map<String, Integer> labels = null;
        if (plan != null && plan.labels() != null) {
            labels = new LinkedHashMap<>();
            for (var e : plan.labels().entrySet()) {
                labels.put(e.getKey(), Integer.valueOf(e.getValue()));
            }
        }
        ModelPortSpec model = plan == null ? null
                : new ModelPortSpec(plan.architecture(), plan.dims(), plan.channels(), labels, null, null, null);
        List<String> foreground = labels == null ? null
                : labels.entrySet().stream().filter(e -> e.getValue() != 0).map(Map.Entry::getKey).toList();
        return java.util.Arrays.asList(model, foreground == null ? null : historySpec(foreground));
    }

    @Override
    public List<PortData> execute(List<PortData> inputs, SettingValues s, RunContext exec) {
        PreprocessingPlan plan = ((PlanPort) inputs.get(1)).plan();
        TrainingSettings settings = new TrainingOptions(s.getInt("epochs"), s.getInt("iterations"),
                s.getDouble("learning_rate"), s.getInt("batch_size"), s.getInt("val_iterations"), s.getInt("patience"),
                s.getLong("seed"), s.getInt("loader_threads"), s.getBoolean("augmentation"), s.getString("device"),
                TrainingSettings.Precision.valueOf(s.getString("precision").toUpperCase(Locale.ROOT))).settings(plan);
        exec.setProgress(0, "reading preprocessed cases");
        List<PreprocessedCase> cases = read((Table) inputs.get(0), exec);
        List<PreprocessedCase> validation = inputs.get(2) == null ? List.of() : read((Table) inputs.get(2), exec);
        // a checkpoint in this node's folder is an interrupted attempt of this very run (run folders start empty):
        // continue it with its stored settings and split, on the devices set now
        boolean resume = Files.isRegularFile(exec.checkpointDir().resolve(Trainer.LATEST));
        List<List<PreprocessedCase>> split;
        if (resume) {
            settings = Trainer.storedSettings(exec.checkpointDir()).withDevice(s.getString("device"));
            List<PreprocessedCase> all = new ArrayList<>(cases);
            all.addAll(validation);
            split = Trainer.storedSplit(exec.checkpointDir(), all);
            exec.message("continuing the interrupted training from its last checkpoint");
        } else {
            split = inputs.get(2) == null ? Trainer.split(cases, s.getDouble("val_fraction"), s.getLong("seed"))
                    : List.of(cases, validation);
        }
        if (split.get(1).isEmpty() && settings.validationIterations() > 0) {
            exec.warn("no validation cases: the pseudo-Dice is not computed and the last epoch's model is kept");
        }
        exec.message(String.format(Locale.ROOT, "training %s %dD, patch %s, batch %d, %d epochs x %d iterations,"
                + " %d training and %d validation cases", plan.network().architecture().id(), plan.dims(),
                java.util.Arrays.toString(plan.patchSize()), settings.batchSize(), settings.recipe().epochs(),
                settings.recipe().iterationsPerEpoch(), split.get(0).size(), split.get(1).size()));
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("node", exec.nodeId());
        notes.put("architecture", plan.network().architecture().id());
        Trainer.Result result = new Trainer(plan, settings, notes).train(split.get(0), split.get(1),
                exec.checkpointDir(), resume, new Progress(exec), exec::isCancelled);
        if (result.stoppedEarly()) {
            exec.warn("stopped early after " + result.history().size() + " epochs without improvement (patience "
                    + settings.earlyStoppingPatience() + ")");
        }
        Path out = exec.outputDir();
        Path model = out.resolve(MODEL_FILE);
        copy(result.model(), model);
        if (!split.get(1).isEmpty()) {
            decidePostprocessing(model, split.get(1), plan, s.getString("device"), exec);
        }
        Path chart = exec.checkpointDir().resolve(Trainer.CHART);
        if (Files.isRegularFile(chart)) {
            Path png = out.resolve("learning_curves.png");
            copy(chart, png);
            exec.addReportImage(png, "Learning curves: losses, pseudo-Dice, epoch time, learning rate");
        }
        return List.of(new ModelPort(model, ModelPortSpec.of(ModelFile.readHeader(model))),
                history(result.history()));
    }

    /**
     * nnU-Net's postprocessing decision on the validation cases, stored in the model. The node has the validation
     * cases only as preprocessed (cropped, resampled) data, so they are predicted and scored on that grid, whereas the
     * train command decides on the raw images; keeping the largest component is judged the same way on either grid.
     */
    private static void decidePostprocessing(Path model, List<PreprocessedCase> validation, PreprocessingPlan plan,
            String device, RunContext exec) {
        exec.setProgress(1, "deciding the postprocessing on " + validation.size() + " validation case(s)");
        List<Integer> labels = plan.labels().values().stream().filter(v -> v != 0).sorted().toList();
        PostprocessingSearch search = new PostprocessingSearch(labels, (short) 0);
        try (CasePredictor predictor = CasePredictor.open(model, Devices.parse(device).primary(),
                SlidingWindowSettings.defaults(), false)) {
            for (PreprocessedCase c : validation) {
                exec.checkCancelled();
                short[] predicted = predictor.segmentation(predictor.probabilities(c.image(), c.shape(),
                        TileProgress.NONE, exec::isCancelled));
                search.add(predicted, c.label(), Arrays.stream(c.shape()).mapToInt(Math::toIntExact)
                        .toArray());
            }
        }
        PostprocessingSearch.Decision d = search.decide();
        ModelFile.replaceMetadata(model, ModelFile.readHeader(model).metadata().withPostprocessing(d.postprocessing()));
        exec.message(String.format(Locale.ROOT, "postprocessing: %s (validation mean foreground Dice %.4f -> %.4f)",
                d.postprocessing().describe(), d.foregroundBefore(), d.foregroundAfter()));
    }

    private static List<PreprocessedCase> read(Table table, RunContext exec) {
        List<PreprocessedCase> cases = new ArrayList<>();
        for (Table.Row r : table.rows()) {
            exec.checkCancelled();
            cases.add(CaseCache.read(r.path(PreprocessorNode.PREPROCESSED)));
        }
        return cases;
    }

    private static void copy(Path from, Path to) {
        AtomicFiles.write(to, false, tmp -> Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING));
    }

    static TableSpec historySpec(List<String> foregroundLabels) {
        List<ColumnSpec> columns = new ArrayList<>(List.of(new ColumnSpec("epoch", ColumnType.INTEGER),
                new ColumnSpec("train_loss", ColumnType.DOUBLE), new ColumnSpec("validation_loss", ColumnType.DOUBLE),
                new ColumnSpec("mean_pseudo_dice", ColumnType.DOUBLE),
                new ColumnSpec("ema_pseudo_dice", ColumnType.DOUBLE),
                new ColumnSpec("learning_rate", ColumnType.DOUBLE), new ColumnSpec("seconds", ColumnType.DOUBLE)));
        for (String label : foregroundLabels) {
            columns.add(new ColumnSpec("pseudo_dice_" + label, ColumnType.DOUBLE));
        }
        return new TableSpec(columns);
    }

    private static Table history(TrainingHistory history) {
        List<String> labels = history.labels();
        Table.Builder b = Table.builder(historySpec(labels));
        for (EpochRecord r : history.records()) {
            List<Object> row = new ArrayList<>(List.of((long) r.epoch(), r.trainLoss(), r.validationLoss(),
                    r.meanPseudoDice(), r.emaPseudoDice(), r.learningRate(), r.seconds()));
            for (String label : labels) {
                row.add(r.pseudoDice().getOrDefault(label, Double.NaN));
            }
            b.add(row.toArray());
        }
        return b.build();
    }

    /** Training events as node progress: the whole run is 0..1 by optimiser step. */
    private record Progress(RunContext exec) implements TrainingListener {
        @Override
        public void message(String text) {
            exec.message(text);
        }

        @Override
        public void iteration(TrainingProgress p) {
            String eta = Double.isNaN(p.etaSeconds()) ? "" : String.format(Locale.ROOT, ", ETA %s",
                    formatSeconds(p.etaSeconds()));
            exec.setProgress((double) p.globalIteration() / p.totalIterations(), String.format(Locale.ROOT,
                    "epoch %d/%d, iteration %d/%d, loss %.4f%s", p.epoch() + 1, p.epochs(), p.iteration(),
                    p.iterationsPerEpoch(), p.loss(), eta));
        }

        @Override
        public void epochEnded(EpochRecord r, TrainingHistory history) {
            exec.message(String.format(Locale.ROOT, "epoch %d: train loss %.4f, validation loss %.4f, pseudo-Dice"
                    + " %.4f (moving average %.4f), %.1f s", r.epoch() + 1, r.trainLoss(), r.validationLoss(),
                    r.meanPseudoDice(), r.emaPseudoDice(), r.seconds()));
        }

        private static String formatSeconds(double s) {
            long t = Math.round(s);
            return t >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
                    : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
        }
    }
}
