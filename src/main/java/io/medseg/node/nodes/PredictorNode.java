package io.medseg.node.nodes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.medseg.inference.InputCase;
import io.medseg.inference.Prediction;
import io.medseg.inference.PredictionListener;
import io.medseg.inference.SlidingWindowSettings;
import io.medseg.io.ImageFormat;
import io.medseg.node.AbstractMedSegNode;
import io.medseg.node.ColumnSpec;
import io.medseg.node.ColumnType;
import io.medseg.node.RunContext;
import io.medseg.node.SettingsException;
import io.medseg.node.ModelPort;
import io.medseg.node.ModelPortSpec;
import io.medseg.node.NamedValues;
import io.medseg.node.SettingValues;
import io.medseg.node.PortDefinition;
import io.medseg.node.PortKind;
import io.medseg.node.PortData;
import io.medseg.node.PortSpec;
import io.medseg.node.Setting;
import io.medseg.node.SettingsSchema;
import io.medseg.node.Table;
import io.medseg.node.TableSpec;

/**
 * Segmentation Predictor: model + cases → the cases with the path of their predicted label map (and optionally of
 * the class probabilities), predicted as {@code medseg predict} does: the model's plan, a Gaussian-weighted sliding
 * window, back to the original grid.
 */
public final class PredictorNode extends AbstractMedSegNode {
    public static final String TYPE = "segmentation-predictor";
    public static final String PREDICTION = "prediction";
    public static final String PROBABILITIES = "probabilities";

    private static final SettingsSchema SETTINGS = new SettingsSchema(
            Setting.choice(Settings.SPLIT, "test", "Which cases to segment: test, train or all.", "test", "train",
                    "all"),
            Setting.number(Settings.OVERLAP, SlidingWindowSettings.DEFAULT_OVERLAP, Prediction.OVERLAP, "Fraction of"
                    + " a patch shared by neighbouring tiles (nnU-Net: 0.5)."),
            Setting.bool(Settings.MIRRORING, false, "Average over mirrored inputs (test-time augmentation; 4x/8x"
                    + " slower)."),
            Setting.integer(Settings.TILE_BATCH, SlidingWindowSettings.DEFAULT_TILE_BATCH, Prediction.TILE_BATCH,
                    "Tiles per forward pass."),
            Setting.bool(Settings.PROBABILITIES, false, "Also write the per-class probability maps."),
            Setting.bool(Settings.POSTPROCESSING, true, "Apply the postprocessing the model's validation chose (keep"
                    + " only the largest component of the foreground or of some labels); off: the argmax as it is."),
            DeviceSetting.setting());

    /** The settings, typed, read once. */
    record Settings(String split, double overlap, boolean mirroring, int tileBatch, boolean probabilities,
            boolean postprocessing, String device) {
        static final String SPLIT = "split";
        static final String OVERLAP = "overlap";
        static final String MIRRORING = "mirroring";
        static final String TILE_BATCH = "tile_batch";
        static final String PROBABILITIES = "probabilities";
        static final String POSTPROCESSING = "postprocessing";

        static Settings from(SettingValues s) {
            return new Settings(s.getString(SPLIT), s.getDouble(OVERLAP), s.getBoolean(MIRRORING),
                    s.getInt(TILE_BATCH), s.getBoolean(PROBABILITIES), s.getBoolean(POSTPROCESSING),
                    DeviceSetting.from(s));
        }

        boolean includes(Table.Row r) {
            return split.equals("all") || split.equals(r.string(CaseTable.SPLIT));
        }
    }

    public PredictorNode() {
        super(TYPE,
                "Segmentation Predictor",
                "Segments the cases' images with a trained model and appends the paths of the predicted label maps.",
                List.of(PortDefinition.required("model", PortKind.MODEL, "A trained model."),
                        PortDefinition.required("cases", PortKind.TABLE, "Cases with their images.")),
                List.of(PortDefinition.required("predictions", PortKind.TABLE, "The cases with their predictions.")),
                SETTINGS);
    }

    @Override
    public List<PortSpec> configure(List<PortSpec> inputs, SettingValues s) {
        ModelPortSpec model = (ModelPortSpec) inputs.get(0);
        TableSpec cases = (TableSpec) inputs.get(1);
        if (cases == null) {
            return java.util.Arrays.asList((PortSpec) null);
        }
        CaseTable.requireCases(cases, s.nodeId(), "cases");
        if (cases.indexOf(PREDICTION) >= 0) {
            throw new SettingsException("node '" + s.nodeId() + "': input 'cases' already has a column '"
                    + PREDICTION + "'");
        }
        var channels = NamedValues.decode(cases.properties().get(TableSpec.CHANNELS));
        if (model != null && model.channelCount() != null && channels != null
                && model.channelCount() != channels.size()) {
            throw new SettingsException("node '" + s.nodeId() + "': the model takes " + model.channelCount()
                    + " input channel(s) but the cases have " + channels.size());
        }
        String dims = cases.properties().get(TableSpec.DIMS);
        // a 2D model may predict 3D cases slice by slice (one trained on slices of volumes; the predictor checks
        // that when it reads the model), but a 3D model never fits 2D cases
        if (model != null && model.dims() != null && dims != null && model.dims() > Integer.parseInt(dims)) {
            throw new SettingsException("node '" + s.nodeId() + "': the model is " + model.dims()
                    + "D but the cases are " + dims + "D");
        }
        TableSpec out = cases.append(new ColumnSpec(PREDICTION, ColumnType.PATH));
        if (Settings.from(s).probabilities()) {
            out = out.append(new ColumnSpec(PROBABILITIES, ColumnType.PATH));
        }
        return List.of(out);
    }

    /** Predicts through {@link Prediction}, as {@code medseg predict} does, into {@code predictions/}. */
    @Override
    public List<PortData> execute(List<PortData> inputs, SettingValues s, RunContext exec) {
        Settings settings = Settings.from(s);
        ModelPort model = (ModelPort) inputs.get(0);
        Table cases = (Table) inputs.get(1);
        TableSpec spec = (TableSpec) configure(List.of(model.spec(), cases.spec()), s).get(0);
        List<Table.Row> rows = cases.rows().stream().filter(settings::includes).toList();
        if (rows.isEmpty()) {
            exec.warn("no " + settings.split() + " cases to predict");
        }
        List<InputCase> inputCases = rows.stream().map(r -> new InputCase(r.string(CaseTable.CASE),
                r.paths(CaseTable.IMAGES), ending(r.paths(CaseTable.IMAGES).get(0)))).toList();
        List<Prediction.Predicted> predicted = Prediction.builder()
                .setModel(model.file())
                .setCases(inputCases)
                .setOutput(exec.outputDir().resolve("predictions"))
                .optOverlap(settings.overlap())
                .optMirroring(settings.mirroring())
                .optTileBatch(settings.tileBatch())
                .optProbabilities(settings.probabilities())
                .optPostprocessing(settings.postprocessing())
                .optDevice(settings.device())
                .optNames(key -> Setting.name(s.nodeId(), key))
                .build()
                .run(new PredictionListener() {
                    @Override
                    public void message(String text) {
                        exec.message(text);
                    }

                    @Override
                    public void tiles(int index, int count, String id, int done, int total) {
                        exec.setProgress((index + (double) done / total) / count, String.format(Locale.ROOT,
                                "case %d/%d %s, tile %d/%d", index + 1, count, id, done, total));
                    }
                }, exec::isCancelled);
        Table.Builder b = Table.builder(spec);
        for (int i = 0; i < rows.size(); i++) {
            List<Object> row = new ArrayList<>(java.util.Arrays.asList(rows.get(i).cells()));
            row.add(predicted.get(i).labels());
            if (settings.probabilities()) {
                row.add(predicted.get(i).probabilities());
            }
            b.add(row.toArray());
        }
        return List.of(b.build());
    }

    /** The image's file ending, so predictions keep the input's format (NIfTI headers, PNG pictures). */
    private static String ending(Path image) {
        ImageFormat f = ImageFormat.detect(image);
        return f == null ? ".nii.gz" : f.ending();
    }
}
