package io.medseg.node.nodes;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.medseg.MedSegException;
import io.medseg.dataset.DatasetCase;
import io.medseg.dataset.DatasetSplit;
import io.medseg.engine.DeviceMemory;
import io.medseg.nn.networks.Architecture;
import io.medseg.node.AbstractMedSegNode;
import io.medseg.node.ColumnSpec;
import io.medseg.node.ColumnType;
import io.medseg.node.RunContext;
import io.medseg.node.NamedValues;
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
import io.medseg.preprocessing.CaseCache;
import io.medseg.preprocessing.DatasetFingerprint;
import io.medseg.preprocessing.FingerprintExtractor;
import io.medseg.preprocessing.MemorySize;
import io.medseg.preprocessing.PlanFiles;
import io.medseg.preprocessing.Planner;
import io.medseg.preprocessing.PlannerSettings;
import io.medseg.preprocessing.PreprocessedCase;
import io.medseg.preprocessing.PreprocessingPlan;
import io.medseg.preprocessing.Preprocessor;

/**
 * Segmentation Preprocessor: cases → dataset fingerprint, automatic plan (each planner choice overridable, or a whole
 * plan file) and the labelled cases preprocessed as planned, cached in the node's folder. Outputs the table of
 * preprocessed cases and the plan as a port of its own.
 */
public final class PreprocessorNode extends AbstractMedSegNode {
    public static final String TYPE = "segmentation-preprocessor";
    public static final String PREPROCESSED = "preprocessed";
    public static final String PREPROCESSED_SHAPE = "preprocessed_shape";
    static final String PLAN_FILE = "plan.json";

    private static final SettingsSchema SETTINGS = new SettingsSchema(
            Architectures.setting("lightm-unet"),
            Setting.choice("dims", "auto", "The network's dimensionality: auto (the cases': 2 for 2D images and"
                    + " one-slice volumes, else 3), 2 or 3; 2 on 3D cases plans nnU-Net's 2d configuration, a 2D"
                    + " network trained on slices of the volumes.", "auto", "2", "3"),
            Setting.choice("split", "train", "Which labelled cases to preprocess for training: train or all.",
                    "train", "all"),
            new Setting("memory", "8G", "Memory budget the patch and batch are planned for, or auto (the GPU's"
                    + " memory, else half of the machine's).", "a memory size such as 8G or 512M, or auto",
                    t -> t.equalsIgnoreCase("auto") ? null : MemorySize.parse(t, "memory")),
            Setting.optionalSizes("patch_size", "Training patch size per axis (empty: planned)."),
            Setting.optionalInteger("batch_size", 1, 4096, "Patches per training step (empty: planned)."),
            Setting.optionalSpacing("target_spacing", "Spacing in mm every case is resampled to (empty: planned)."),
            Setting.choice("crop_to_nonzero", "auto", "Crop cases to their non-zero region: auto (planned), true or"
                    + " false.", "auto", "true", "false"),
            Setting.text("plan_file", "", "A plan.json to use instead of planning (empty: plan automatically)."));

    public PreprocessorNode() {
        super(TYPE,
                "Segmentation Preprocessor",
                "Fingerprints the cases, plans preprocessing and training nnU-Net style (every choice can be"
                        + " overridden) and caches the preprocessed cases.",
                List.of(PortDefinition.required("cases", PortKind.TABLE, "Cases with images and labels.")),
                List.of(PortDefinition.required("preprocessed", PortKind.TABLE, "The preprocessed training cases."),
                        PortDefinition.required("plan", PortKind.PLAN, "The preprocessing and training plan.")),
                SETTINGS);
    }

    @Override
    public List<PortSpec> configure(List<PortSpec> inputs, SettingValues s) {
        TableSpec in = (TableSpec) inputs.get(0);
        if (in != null) {
            CaseTable.requireCases(in, s.nodeId(), "cases");
            in.require(s.nodeId(), "cases", CaseTable.LABEL, ColumnType.PATH);
            for (String property : List.of(TableSpec.CHANNELS, TableSpec.LABELS)) {
                if (!in.properties().containsKey(property)) {
                    throw new io.medseg.node.SettingsException("node '" + s.nodeId() + "': input 'cases' does"
                            + " not say the cases' " + property + " (a table property the dataset nodes set)");
                }
            }
        }
        String dimsText = in == null ? null : in.properties().get(TableSpec.DIMS);
        Integer caseDims = dimsText == null ? null : Integer.valueOf(dimsText);
        Integer dims = dims(s);
        if (dims != null && caseDims != null && dims > caseDims) {
            throw s.invalid("dims", "is 3 but the cases are 2D (2D images or one-slice volumes); a 3D network needs"
                    + " volumes, set dims to 2 or auto");
        }
        dims = dims != null ? dims : caseDims;
        for (String key : List.of("patch_size", "target_spacing")) {
            int axes = key.equals("patch_size") ? lengthOf(s.getSizes(key)) : lengthOf(s.getSpacing(key));
            if (dims != null && axes > 0 && axes != dims) {
                throw s.invalid(key, "has " + axes + " values but " + (caseDims != null && dims < caseDims
                        ? "the network is 2D (trained on slices of the 3D cases: the in-plane axes)"
                        : "the cases are " + dims + "D"));
            }
        }
        String architecture = s.getString("architecture");
        if (!s.getString("plan_file").isEmpty()) {
            PreprocessingPlan p = readPlan(s);
            architecture = p.network().architecture().id();
            dims = p.dims();
        }
        TableSpec outSpec = spec(in);
        Map<String, String> channels = in == null ? null : NamedValues.decode(in.properties().get(TableSpec.CHANNELS));
        Map<String, String> labels = in == null ? null : NamedValues.decode(in.properties().get(TableSpec.LABELS));
        return List.of(outSpec, new PlanPortSpec(architecture, dims, channels, labels));
    }

    @Override
    public List<PortData> execute(List<PortData> inputs, SettingValues s, RunContext exec) {
        Table cases = (Table) inputs.get(0);
        List<Table.Row> rows = cases.rows().stream().filter(r -> r.path(CaseTable.LABEL) != null)
                .filter(r -> s.getString("split").equals("all")
                        || DatasetSplit.TRAIN.label().equals(r.string(CaseTable.SPLIT)))
                .toList();
        if (rows.size() < 2) {
            throw new MedSegException("node '" + s.nodeId() + "': needs at least 2 labelled cases to plan and train,"
                    + " found " + rows.size());
        }
        List<DatasetCase> labelled = rows.stream().map(CaseTable::caseOf).toList();
        PreprocessingPlan plan = plan(cases.spec(), labelled, s, exec);
        Path out = exec.outputDir();
        Path planFile = out.resolve(PLAN_FILE);
        PlanFiles.write(planFile, plan);
        PlanPort planPort = new PlanPort(plan, planFile);
        exec.message("plan: " + planPort.summary());

        Path dir = out.resolve(PREPROCESSED);
        Table.Builder b = Table.builder(spec(cases.spec()));
        for (int i = 0; i < rows.size(); i++) {
            exec.checkCancelled();
            Table.Row r = rows.get(i);
            String id = r.string(CaseTable.CASE);
            exec.setProgress(0.2 + 0.8 * i / rows.size(), "preprocessing " + id);
            PreprocessedCase pc = Preprocessor.preprocess(labelled.get(i), plan);
            Path file = CaseCache.fileFor(dir, id);
            CaseCache.write(pc, file);
            Object[] cells = r.cells();
            Object[] row = java.util.Arrays.copyOf(cells, cells.length + 2);
            row[cells.length] = file;
            row[cells.length + 1] = pc.shape();
            b.add(row);
        }
        exec.setProgress(1, String.format(Locale.ROOT, "%d cases preprocessed", rows.size()));
        return List.of(b.build(), planPort);
    }

    private static TableSpec spec(TableSpec in) {
        TableSpec base = in == null ? CaseTable.spec(null, null, null) : in;
        return base.append(new ColumnSpec(PREPROCESSED, ColumnType.PATH),
                new ColumnSpec(PREPROCESSED_SHAPE, ColumnType.INTEGERS));
    }

    /** The plan file's, or one planned from the fingerprint of exactly the cases that will be preprocessed. */
    private static PreprocessingPlan plan(TableSpec spec, List<DatasetCase> cases, SettingValues s,
            RunContext exec) {
        if (!s.getString("plan_file").isEmpty()) {
            return readPlan(s);
        }
        Architecture architecture = Architecture.of(s.getString("architecture"));
        Long memory = s.getLong("memory");
        PlannerSettings ps = PlannerSettings.defaults(architecture)
                .withMemory(memory == null ? DeviceMemory.detect().bytes() : memory)
                .withPatchSize(s.getSizes("patch_size")).withBatchSize(s.getInt("batch_size"))
                .withTargetSpacing(s.getSpacing("target_spacing")).withDims(dims(s));
        String crop = s.getString("crop_to_nonzero");
        ps = ps.withCropToNonzero(crop.equals("auto") ? null : Boolean.valueOf(crop));
        exec.setProgress(0, "fingerprinting " + cases.size() + " cases");
        DatasetFingerprint fp = FingerprintExtractor.extract(NamedValues.decode(spec.properties()
                .get(TableSpec.CHANNELS)), CaseTable.labels(spec), cases, "node '" + s.nodeId() + "'",
                java.nio.file.Path::toString, FingerprintExtractor.SAMPLES_PER_CASE);
        exec.checkCancelled();
        if (dims(s) != null) {
            Planner.checkDims(fp, dims(s), "node '" + s.nodeId() + "': setting 'dims'");
        }
        return Planner.plan(fp, ps);
    }

    /** The dims setting: null for auto (the cases' own). */
    private static Integer dims(SettingValues s) {
        String d = s.getString("dims");
        return d.equals("auto") ? null : Integer.valueOf(d);
    }

    private static PreprocessingPlan readPlan(SettingValues s) {
        Path file = Path.of(s.getString("plan_file"));
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw s.invalid("plan_file", "must be an existing plan.json or empty, got '" + file + "' (not found)");
        }
        PreprocessingPlan p = PlanFiles.read(file);
        if (!p.network().architecture().id().equals(s.getString("architecture"))) {
            throw s.invalid("architecture", "is " + s.getString("architecture") + " but plan_file plans "
                    + p.network().architecture().id() + "; set architecture=" + p.network().architecture().id());
        }
        return p;
    }

    private static int lengthOf(Object array) {
        return array == null ? 0 : java.lang.reflect.Array.getLength(array);
    }
}
