package io.medseg.node.nodes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.medseg.MedSegException;
import io.medseg.dataset.DatasetCase;
import io.medseg.dataset.DatasetSplit;
import io.medseg.dataset.SegmentationDataset;
import io.medseg.image.OneSliceVolumes;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;
import io.medseg.node.ColumnSpec;
import io.medseg.node.ColumnType;
import io.medseg.node.RunContext;
import io.medseg.node.NamedValues;
import io.medseg.node.Table;
import io.medseg.node.TableSpec;

/**
 * The case table the dataset nodes produce and the preprocessor and predictor read: one row per case with its id,
 * split, image file(s) per channel, label file (empty for unlabelled cases), shape, spacing and dataset folder (empty
 * for cases listed in a table). The channel names and labels travel as table properties, as dataset.json has them.
 */
public final class CaseTable {
    public static final String CASE = "case";
    public static final String SPLIT = "split";
    public static final String IMAGES = "images";
    public static final String LABEL = "label";
    public static final String SHAPE = "shape";
    public static final String SPACING = "spacing";
    public static final String DATASET = "dataset";

    private CaseTable() {
    }

    /** The spec, with dims/channels/labels properties where known (null = unknown at configure time). */
    public static TableSpec spec(Integer dims, Map<String, String> channels, Map<String, Integer> labels) {
        TableSpec spec = new TableSpec(List.of(new ColumnSpec(CASE, ColumnType.STRING),
                new ColumnSpec(SPLIT, ColumnType.STRING), new ColumnSpec(IMAGES, ColumnType.PATHS),
                new ColumnSpec(LABEL, ColumnType.PATH), new ColumnSpec(SHAPE, ColumnType.INTEGERS),
                new ColumnSpec(SPACING, ColumnType.DOUBLES), new ColumnSpec(DATASET, ColumnType.PATH)));
        if (dims != null) {
            spec = spec.withProperty(TableSpec.DIMS, dims.toString());
        }
        if (channels != null) {
            spec = spec.withProperty(TableSpec.CHANNELS, NamedValues.encode(channels));
        }
        if (labels != null) {
            spec = spec.withProperty(TableSpec.LABELS, NamedValues.encode(labels));
        }
        return spec;
    }

    /**
     * The table of {@code cases}; reads each case's first channel for its shape and spacing, checking for
     * cancellation between cases.
     *
     * @param root the dataset folder they belong to, or null for cases listed in a table
     */
    public static Table of(Path root, Map<String, String> channels, Map<String, Integer> labels,
            List<DatasetCase> cases, RunContext exec) {
        int dims = -1;
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            exec.checkCancelled();
            DatasetCase c = cases.get(i);
            Volume first = ImageFiles.read(c.channelImages().get(0));
            if (dims > 0 && first.spatialDims() != dims) {
                throw new MedSegException("case " + c.id() + " is " + first.spatialDims() + "D but the cases before it"
                        + " are " + dims + "D; one workflow needs one dimensionality");
            }
            dims = first.spatialDims();
            rows.add(new Object[] { c.id(), c.split().label(), c.channelImages(), c.label(), first.shape(),
                    first.geometry().spacing(), root });
            exec.setProgress((i + 1.0) / cases.size(), "read " + c.id());
        }
        // a table of one-slice volumes holds 2D images (shape and spacing stay the files')
        if (OneSliceVolumes.commonAxis(rows.stream().map(r -> (long[]) r[4]).toList()) >= 0) {
            dims = 2;
        }
        Table.Builder b = Table.builder(spec(dims < 0 ? null : dims, channels, labels));
        rows.forEach(b::add);
        return b.build();
    }

    /** The table of a dataset folder's cases. */
    public static Table of(SegmentationDataset ds, List<DatasetCase> cases, RunContext exec) {
        return of(ds.root(), ds.descriptor().channelNames(), ds.descriptor().labels(), cases, exec);
    }

    /** Checks that {@code spec} has the columns of a case table (id and images at least). */
    public static void requireCases(TableSpec spec, String nodeId, String port) {
        spec.require(nodeId, port, CASE, ColumnType.STRING);
        spec.require(nodeId, port, IMAGES, ColumnType.PATHS);
    }

    /** The case a row describes. */
    public static DatasetCase caseOf(Table.Row r) {
        DatasetSplit split = DatasetSplit.TEST.label().equals(r.string(SPLIT)) ? DatasetSplit.TEST : DatasetSplit.TRAIN;
        return new DatasetCase(r.string(CASE), split, r.paths(IMAGES), r.path(LABEL));
    }

    /** Label name → value as a typed map, or null. */
    public static Map<String, Integer> labels(TableSpec spec) {
        Map<String, String> text = NamedValues.decode(spec.properties().get(TableSpec.LABELS));
        if (text == null) {
            return null;
        }
        Map<String, Integer> m = new LinkedHashMap<>();
        text.forEach((k, v) -> m.put(k, Integer.valueOf(v)));
        return m;
    }

    /** Label value → name from a table's label property (empty when it has none). */
    public static Map<Integer, String> labelNames(TableSpec spec) {
        Map<String, Integer> byName = labels(spec);
        Map<Integer, String> names = new java.util.HashMap<>();
        if (byName != null) {
            byName.forEach((name, value) -> names.put(value, name));
        }
        return names;
    }
}
