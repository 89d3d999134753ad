package io.medseg.node.nodes;

import java.util.List;

import io.medseg.dataset.SegmentationDataset;
import io.medseg.node.AbstractMedSegNode;
import io.medseg.node.RunContext;
import io.medseg.node.SettingValues;
import io.medseg.node.PortDefinition;
import io.medseg.node.PortKind;
import io.medseg.node.PortData;
import io.medseg.node.PortSpec;
import io.medseg.node.Setting;
import io.medseg.node.SettingsSchema;
import io.medseg.synth.PhantomLabels;
import io.medseg.synth.SyntheticDatasetSpec;
import io.medseg.synth.SyntheticDatasetWriter;

/**
 * Synthetic Dataset: writes synthetic CT-like phantoms (organ + lesions) in the nnU-Net layout into the run folder
 * and emits their case table, so a workflow runs on a fresh machine without data.
 */
public final class SyntheticDatasetNode extends AbstractMedSegNode {
    public static final String TYPE = "synthetic-dataset";
    static final String DATASET_FOLDER = "dataset";

    private static final SettingsSchema SETTINGS = new SettingsSchema(
            Setting.choice(Settings.DIMS, "2", "2 (axial slices) or 3 (volumes).", "2", "3"),
            Setting.integer(Settings.CASES, 10, 2, 10_000, "Number of cases; a fifth become labelled test cases."),
            Setting.integer(Settings.SEED, 0, Long.MIN_VALUE, Long.MAX_VALUE, "Seed of the phantoms."),
            Setting.optionalSizes(Settings.SIZE, "Shape per case, e.g. 128,128 or 64,64,64 (empty: 128x128 or"
                    + " 64x64x64)."));

    /** The settings, typed, read once: the dataset spec, whose own checks (size per axis, axis count) they make. */
    record Settings(SyntheticDatasetSpec spec) {
        static final String DIMS = "dims";
        static final String CASES = "cases";
        static final String SEED = "seed";
        static final String SIZE = "size";

        static Settings from(SettingValues s) {
            long[] size = s.getSizes(SIZE);
            int[] shape = size == null ? null : java.util.Arrays.stream(size).mapToInt(Math::toIntExact).toArray();
            try {
                return new Settings(SyntheticDatasetSpec.of(Integer.parseInt(s.getString(DIMS)), s.getInt(CASES),
                        s.getLong(SEED), shape));
            } catch (IllegalArgumentException | io.medseg.MedSegException e) {
                throw s.invalid(SIZE, "does not fit: " + e.getMessage());
            }
        }
    }

    public SyntheticDatasetNode() {
        super(TYPE,
                "Synthetic Dataset",
                "Generates a synthetic abdominal-CT-like dataset (organ and lesion labels) in the nnU-Net layout and"
                        + " outputs its case table.",
                List.of(),
                List.of(PortDefinition.required("cases", PortKind.TABLE, "The generated cases.")),
                SETTINGS);
    }

    @Override
    public List<PortSpec> configure(List<PortSpec> inputs, SettingValues s) {
        Settings settings = Settings.from(s);
        return List.of(CaseTable.spec(settings.spec().dims(), java.util.Map.of("0", "CT"), PhantomLabels.asMap()));
    }

    @Override
    public List<PortData> execute(List<PortData> inputs, SettingValues s, RunContext exec) {
        exec.setProgress(0, "generating phantoms");
        Settings settings = Settings.from(s);
        var summary = SyntheticDatasetWriter.write(exec.outputDir().resolve(DATASET_FOLDER), settings.spec(), false);
        exec.message(String.format(java.util.Locale.ROOT, "%d training and %d test cases in %.1f s",
                summary.trainingCases().size(), summary.testCases().size(), summary.elapsed().toMillis() / 1000.0));
        SegmentationDataset ds = SegmentationDataset.open(summary.outDir());
        return List.of(CaseTable.of(ds, ds.cases(), exec));
    }
}
