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
            Setting.choice(Settings.DIMS, "auto", "The network's dimensionality: auto (the cases': 2 for 2D images and"
                    + " one-slice volumes, else 3), 2 or 3; 2 on 3D cases plans nnU-Net's 2d configuration, a 2D"
                    + " network trained on slices of the volumes.", "auto", "2", "3"),
            Setting.choice(Settings.SPLIT, "train", "Which labelled cases to preprocess for training: train or all.",
                    "train", "all"),
            new Setting(Settings.MEMORY, "8G", "Memory budget the patch and batch are planned for, or auto (the GPU's"
                    + " memory, else half of the machine's).", "a memory size such as 8G or 512M, or auto",
                    t -> t.equalsIgnoreCase("auto") ? null : MemorySize.parse(t, Settings.MEMORY)),
            Setting.optionalSizes(Settings.PATCH_SIZE, "Training patch size per axis (empty: planned)."),
            Setting.optionalInteger(Settings.BATCH_SIZE, 1, 4096, "Patches per training step (empty: planned)."),
            Setting.optionalSpacing(Settings.TARGET_SPACING, "Spacing in mm every case is resampled to (empty:"
                    + " planned)."),
            Setting.choice(Settings.CROP_TO_NONZERO, "auto", "Crop cases to their non-zero region: auto (planned),"
                    + " true or false.", "auto", "true", "false"),
            Setting.text(Settings.PLAN_FILE, "", "A plan.json to use instead of planning (empty: plan"
                    + " automatically)."));

    /**
     * The settings, typed, read once; null stands for auto (dims: the cases' own; memory: the device's; crop: planned)
     * or for an empty optional setting, an empty plan file for none.
     */
    record Settings(Architecture architecture, Integer dims, String split, Long memory, long[] patchSize,
            Integer batchSize, double[] targetSpacing, Boolean cropToNonzero, String planFile) {
        static final String DIMS = "dims";
        static final String SPLIT = "split";
        static final String MEMORY = "memory";
        static final String PATCH_SIZE = "patch_size";
        static final String BATCH_SIZE = "batch_size";
        static final String TARGET_SPACING = "target_spacing";
        static final String CROP_TO_NONZERO = "crop_to_nonzero";
        static final String PLAN_FILE = "plan_file";

        static Settings from(SettingValues s) {
            String dims = s.getString(DIMS);
            String crop = s.getString(CROP_TO_NONZERO);
            return new Settings(Architectures.from(s), dims.equals("auto") ? null : Integer.valueOf(dims),
                    s.getString(SPLIT), s.getLong(MEMORY), s.getSizes(PATCH_SIZE), s.getInt(BATCH_SIZE),
                    s.getSpacing(TARGET_SPACING), crop.equals("auto") ? null : Boolean.valueOf(crop),
                    s.getString(PLAN_FILE));
        }
    }

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
        Settings settings = Settings.from(s);
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
        Integer dims = settings.dims();
        if (dims != null && caseDims != null && dims > caseDims) {
            throw s.invalid(Settings.DIMS, "is 3 but the cases are 2D (2D images or one-slice volumes); a 3D network"
                    + " needs volumes, set dims to 2 or auto");
        }
        dims = dims != null ? dims : caseDims;
        for (String key : List.of(Settings.PATCH_SIZE, Settings.TARGET_SPACING)) {
            int axes = key.equals(Settings.PATCH_SIZE) ? lengthOf(settings.patchSize())
                    : lengthOf(settings.targetSpacing());
            if (dims != null && axes > 0 && axes != dims) {
                throw s.invalid(key, "has " + axes + " values but " + (caseDims != null && dims < caseDims
                        ? "the network is 2D (trained on slices of the 3D cases: the in-plane axes)"
                        : "the cases are " + dims + "D"));
            }
        }
        String architecture = settings.architecture().id();
        if (!settings.planFile().isEmpty()) {
            PreprocessingPlan p = readPlan(settings, s);
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
        Settings settings = Settings.from(s);
        Table cases = (Table) inputs.get(0);
        List<Table.Row> rows = cases.rows().stream().filter(r -> r.path(CaseTable.LABEL) != null)
                .filter(r -> settings.split().equals("all")
                        || DatasetSplit.TRAIN.label().equals(r.string(CaseTable.SPLIT)))
                .toList();
        if (rows.size() < 2) {
            throw new MedSegException("node '" + s.nodeId() + "': needs at least 2 labelled cases to plan and train,"
                    + " found " + rows.size());
        }
        List<DatasetCase> labelled = rows.stream().map(CaseTable::caseOf).toList();
        PreprocessingPlan plan = plan(cases.spec(), labelled, settings, s, exec);
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
    private static PreprocessingPlan plan(TableSpec spec, List<DatasetCase> cases, Settings settings,
            SettingValues s, RunContext exec) {
        if (!settings.planFile().isEmpty()) {
            return readPlan(settings, s);
        }
        Long memory = settings.memory();
        PlannerSettings ps = PlannerSettings.defaults(settings.architecture())
                .withMemory(memory == null ? DeviceMemory.detect().bytes() : memory)
                .withPatchSize(settings.patchSize()).withBatchSize(settings.batchSize())
                .withTargetSpacing(settings.targetSpacing()).withDims(settings.dims());
        ps = ps.withCropToNonzero(settings.cropToNonzero());
        exec.setProgress(0, "fingerprinting " + cases.size() + " cases");
        DatasetFingerprint fp = FingerprintExtractor.extract(NamedValues.decode(spec.properties()
                .get(TableSpec.CHANNELS)), CaseTable.labels(spec), cases, "node '" + s.nodeId() + "'",
                java.nio.file.Path::toString, FingerprintExtractor.SAMPLES_PER_CASE);
        exec.checkCancelled();
        if (settings.dims() != null) {
            Planner.checkDims(fp, settings.dims(), Setting.name(s.nodeId(), Settings.DIMS));
        }
        return Planner.plan(fp, ps);
    }

    private static PreprocessingPlan readPlan(Settings settings, SettingValues s) {
        Path file = Path.of(settings.planFile());
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw s.invalid(Settings.PLAN_FILE, "must be an existing plan.json or empty, got '" + file
                    + "' (not found)");
        }
        PreprocessingPlan p = PlanFiles.read(file);
        String planned = p.network().architecture().id();
        if (!planned.equals(settings.architecture().id())) {
            throw s.invalid(Architectures.KEY, "is " + settings.architecture().id() + " but plan_file plans "
                    + planned + "; set architecture=" + planned);
        }
        return p;
    }

    private static int lengthOf(Object array) {
        return array == null ? 0 : java.lang.reflect.Array.getLength(array);
    }
}
