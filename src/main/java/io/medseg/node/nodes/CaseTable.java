package io.medseg.node.nodes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.medseg.dataset.DatasetCase;
import io.medseg.dataset.SegmentationDataset;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;
import io.medseg.node.ColumnSpec;
import io.medseg.node.ColumnType;
import io.medseg.node.ExecutionContext;
import io.medseg.node.InvalidSettingsException;
import io.medseg.node.NamedValues;
import io.medseg.node.Table;
import io.medseg.node.TableSpec;

/**
 * The case table the dataset nodes produce and the preprocessor and predictor read: one row per case with its id,
 * split, image file(s) per channel, label file (empty for unlabelled cases), shape, spacing and dataset folder.
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
     * The table of a dataset's cases; reads each case's first channel for its shape and spacing, checking for
     * cancellation between cases.
     */
    public static Table of(SegmentationDataset ds, List<DatasetCase> cases, ExecutionContext exec) {
        int dims = -1;
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            exec.checkCancelled();
            DatasetCase c = cases.get(i);
            Volume first = ImageFiles.read(c.channelImages().get(0));
            dims = first.spatialDims();
            rows.add(new Object[] { c.id(), c.split().label(), c.channelImages(), c.label(), first.shape(),
                    first.geometry().spacing(), ds.root() });
            exec.setProgress((i + 1.0) / cases.size(), "read " + c.id());
        }
        Table.Builder b = Table.builder(spec(dims < 0 ? null : dims, ds.descriptor().channelNames(),
                ds.descriptor().labels()));
        rows.forEach(b::add);
        return b.build();
    }

    /** Checks that {@code spec} has the columns of a case table (id and images at least). */
    public static void requireCases(TableSpec spec, String nodeId, String port) {
        spec.require(nodeId, port, CASE, ColumnType.STRING);
        spec.require(nodeId, port, IMAGES, ColumnType.PATHS);
    }

    /** The dataset folder the rows come from (the preprocessor plans on one dataset). */
    public static Path datasetOf(Table table, String nodeId) {
        Path root = null;
        for (Table.Row r : table.rows()) {
            Path p = r.path(DATASET);
            if (p == null || (root != null && !root.equals(p))) {
                throw new InvalidSettingsException("node '" + nodeId + "': the cases must come from one dataset"
                        + " folder (column '" + DATASET + "'), found " + root + " and " + p);
            }
            root = p;
        }
        return root;
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
}
