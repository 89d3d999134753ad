package io.medseg.node.nodes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.medseg.io.AtomicFiles;
import io.medseg.model.ModelFile;
import io.medseg.node.AbstractMedSegNode;
import io.medseg.node.ColumnSpec;
import io.medseg.node.ColumnType;
import io.medseg.node.ModelPort;
import io.medseg.node.ModelPortSpec;
import io.medseg.node.PlanPort;
import io.medseg.node.PlanPortSpec;
import io.medseg.node.PortData;
import io.medseg.node.PortDefinition;
import io.medseg.node.PortKind;
import io.medseg.node.PortSpec;
import io.medseg.node.RunContext;
import io.medseg.node.Setting;
import io.medseg.node.SettingValues;
import io.medseg.node.SettingsException;
import io.medseg.node.SettingsSchema;
import io.medseg.node.Table;
import io.medseg.node.TableSpec;
import io.medseg.preprocessing.CaseCache;
import io.medseg.preprocessing.PreprocessedCase;
import io.medseg.training.EpochRecord;
import io.medseg.training.FinalValidation;
import io.medseg.training.Trainer;
import io.medseg.training.TrainingHistory;
import io.medseg.training.TrainingListener;
import io.medseg.training.TrainingOptions;
import io.medseg.training.TrainingProgress;
import io.medseg.training.TrainingRun;

/**
 * Segmentation Learner: preprocessed cases (+ optional validation cases) + plan → trained model + training-history
 * table, with every setting of the train command. Checkpoints go to the node's checkpoint folder, which survives a
 * cancel; the model, history and learning-curve chart go to its output folder.
 */
public final class LearnerNode extends AbstractMedSegNode {
    public static final String TYPE = "segmentation-learner";
    static final String MODEL_FILE = "model.medseg";

    private static final SettingsSchema SETTINGS = new SettingsSchema(
            Setting.optionalInteger(Settings.EPOCHS, TrainingOptions.EPOCHS, "Epochs (empty: the architecture's"
                    + " recipe: LightM-UNet 100, xLSTM-UNet 4000, nnU-Net family 1000)."),
            Setting.optionalInteger(Settings.ITERATIONS, TrainingOptions.ITERATIONS, "Optimiser steps per epoch"
                    + " (empty: 250)."),
            Setting.optionalNumber(Settings.LEARNING_RATE, TrainingOptions.LEARNING_RATE, "Initial learning rate"
                    + " (empty: the recipe's; LightM-UNet's Adam starts at 2e-3 in runs under 2,500 steps)."),
            Setting.optionalInteger(Settings.BATCH_SIZE, TrainingOptions.BATCH_SIZE, "Patches per step (empty: the"
                    + " plan's)."),
            Setting.number(Settings.VAL_FRACTION, TrainingOptions.DEFAULT_VALIDATION_FRACTION,
                    TrainingOptions.VALIDATION_FRACTION, "Share of the cases held out for validation when no"
                    + " validation table is connected (0 = none; at least one case is always trained on)."),
            Setting.integer(Settings.VAL_ITERATIONS, TrainingOptions.DEFAULT_VALIDATION_ITERATIONS,
                    TrainingOptions.VALIDATION_ITERATIONS, "Validation batches per epoch for the pseudo-Dice."),
            Setting.integer(Settings.PATIENCE, 0, TrainingOptions.PATIENCE, "Stop after this many epochs without a"
                    + " better moving-average pseudo-Dice (0 = never)."),
            Setting.integer(Settings.SEED, 0, Long.MIN_VALUE, Long.MAX_VALUE, "Seed of initialisation, data order and"
                    + " augmentation."),
            DeviceSetting.setting(),
            Setting.choice(Settings.PRECISION, "auto", "fp32, bf16 or auto (bf16 on GPUs that support it).", "auto",
                    "fp32", "bf16"),
            Setting.bool(Settings.AUGMENTATION, true, "Augment training patches on the fly (nnU-Net's augmentations)."),
            Setting.integer(Settings.LOADER_THREADS, TrainingOptions.DEFAULT_LOADER_THREADS,
                    TrainingOptions.LOADER_THREADS, "Threads building augmented batches."));

    /**
     * The settings, typed, read once: the engine's {@link TrainingOptions} (checked against the limits the train
     * command shares).
     */
    record Settings(TrainingOptions options) {
        static final String EPOCHS = "epochs";
        static final String ITERATIONS = "iterations";
        static final String LEARNING_RATE = "learning_rate";
        static final String BATCH_SIZE = "batch_size";
        static final String VAL_FRACTION = "val_fraction";
        static final String VAL_ITERATIONS = "val_iterations";
        static final String PATIENCE = "patience";
        static final String SEED = "seed";
        static final String PRECISION = "precision";
        static final String AUGMENTATION = "augmentation";
        static final String LOADER_THREADS = "loader_threads";

        static Settings from(SettingValues s) {
            TrainingOptions o = new TrainingOptions(s.getInt(EPOCHS), s.getInt(ITERATIONS),
                    s.getDouble(LEARNING_RATE), s.getInt(BATCH_SIZE), s.getDouble(VAL_FRACTION),
                    s.getInt(VAL_ITERATIONS), s.getInt(PATIENCE), s.getLong(SEED), s.getInt(LOADER_THREADS),
                    s.getBoolean(AUGMENTATION), DeviceSetting.from(s), s.getString(PRECISION));
            // the schema checked each value; this adds what only the combination shows (bf16 on the CPU)
            List<String> problems = o.problems(key -> Setting.name(s.nodeId(), key));
            if (!problems.isEmpty()) {
                throw new SettingsException(String.join("; ", problems));
            }
            return new Settings(o);
        }
    }

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
        Settings.from(s);
        for (int port : new int[] { 0, 2 }) {
            TableSpec t = (TableSpec) inputs.get(port);
            if (t != null) {
                String name = inputs().get(port).name();
                t.require(s.nodeId(), name, CaseTable.CASE, ColumnType.STRING);
                t.require(s.nodeId(), name, PreprocessorNode.PREPROCESSED, ColumnType.PATH);
            }
        }
        PlanPortSpec plan = (PlanPortSpec) inputs.get(1);
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

    /**
     * Trains through {@link TrainingRun}, as {@code medseg train} does, on the preprocessed cases of the input ports;
     * the postprocessing is therefore decided on their preprocessed grid ({@link FinalValidation#PREPROCESSED_GRID}).
     * A checkpoint in this node's folder is an interrupted attempt of this very run (run folders start empty): it is
     * continued with its stored settings and split, on the devices set now.
     */
    @Override
    public List<PortData> execute(List<PortData> inputs, SettingValues s, RunContext exec) {
        Settings settings = Settings.from(s);
        exec.setProgress(0, "reading preprocessed cases");
        List<PreprocessedCase> cases = read((Table) inputs.get(0), exec);
        List<PreprocessedCase> validation = inputs.get(2) == null ? null : read((Table) inputs.get(2), exec);
        boolean resume = TrainingRun.hasCheckpoint(exec.checkpointDir());
        if (resume) {
            exec.message("continuing the interrupted training from its last checkpoint");
        }
        Path model = exec.outputDir().resolve(MODEL_FILE);
        TrainingRun.Result result = TrainingRun.builder()
                .setOutput(exec.checkpointDir())
                .setCases(cases, validation)
                .optPlan(((PlanPort) inputs.get(1)).plan(), "input 'plan'")
                .optOptions(settings.options())
                .optResume(resume)
                .optModelFile(model)
                .optNotes(Map.of("node", exec.nodeId()))
                .optListener(new Progress(exec))
                .optCancelled(exec::isCancelled)
                .optNames(key -> Setting.name(s.nodeId(), key))
                .build()
                .run();
        Path chart = exec.checkpointDir().resolve(Trainer.CHART);
        if (Files.isRegularFile(chart)) {
            Path png = exec.outputDir().resolve("learning_curves.png");
            AtomicFiles.write(png, false, tmp -> Files.copy(chart, tmp, StandardCopyOption.REPLACE_EXISTING));
            exec.addReportImage(png, "Learning curves: losses, pseudo-Dice, epoch time, learning rate");
        }
        return List.of(new ModelPort(result.model(), ModelPortSpec.of(ModelFile.readHeader(result.model()))),
                history(result.training().history()));
    }

    private static List<PreprocessedCase> read(Table table, RunContext exec) {
        List<PreprocessedCase> cases = new ArrayList<>();
        for (Table.Row r : table.rows()) {
            exec.checkCancelled();
            cases.add(CaseCache.read(r.path(PreprocessorNode.PREPROCESSED)));
        }
        return cases;
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
        public void warning(String text) {
            exec.warn(text);
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
