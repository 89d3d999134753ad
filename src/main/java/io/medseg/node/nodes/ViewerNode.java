package io.medseg.node.nodes;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

import io.medseg.image.OneSliceVolumes;
import io.medseg.image.Volume;
import io.medseg.io.AtomicFiles;
import io.medseg.io.ImageFiles;
import io.medseg.node.AbstractMedSegNode;
import io.medseg.node.ColumnSpec;
import io.medseg.node.ColumnType;
import io.medseg.node.RunContext;
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
 * Segmentation Viewer: for chosen cases, a slice (an index, or the middle of the foreground) of the image with the
 * reference and prediction contours, as PNGs in the node's folder and in the run report.
 */
public final class ViewerNode extends AbstractMedSegNode {
    public static final String TYPE = "segmentation-viewer";
    static final TableSpec OVERLAYS = new TableSpec(List.of(new ColumnSpec("case", ColumnType.STRING),
            new ColumnSpec("axis", ColumnType.INTEGER), new ColumnSpec("slice", ColumnType.INTEGER),
            new ColumnSpec("overlay", ColumnType.PATH)));

    private static final SettingsSchema SETTINGS = new SettingsSchema(
            Setting.text(Settings.CASE, "", "The case to show (empty: the first max_cases cases)."),
            Setting.integer(Settings.MAX_CASES, 4, 1, 1000, "How many cases to show when no case is named."),
            Setting.integer(Settings.AXIS, 2, 0, 2, "Slice axis of 3D images (0, 1 or 2 in file index order; 2 ="
                    + " axial for RAS-like data); ignored for 2D images and one-slice volumes."),
            new Setting(Settings.SLICE, "foreground", "Slice index, or foreground for the middle of the reference's"
                    + " (else the prediction's) foreground.", "foreground or an integer >= 0", t -> {
                        if (t.equalsIgnoreCase("foreground")) {
                            return -1L;
                        }
                        long v = Long.parseLong(t);
                        if (v < 0) {
                            throw new IllegalArgumentException();
                        }
                        return v;
                    }),
            Setting.text(Settings.REFERENCE_COLUMN, CaseTable.LABEL, "Column with the reference label maps (empty:"
                    + " none)."),
            Setting.text(Settings.PREDICTION_COLUMN, PredictorNode.PREDICTION, "Column with the predicted label maps"
                    + " (empty: none)."));

    /** The settings, typed, read once; slice -1 stands for the foreground's middle, empty columns for none. */
    record Settings(String caseId, int maxCases, int axis, long slice, String referenceColumn,
            String predictionColumn) {
        static final String CASE = "case";
        static final String MAX_CASES = "max_cases";
        static final String AXIS = "axis";
        static final String SLICE = "slice";
        static final String REFERENCE_COLUMN = "reference_column";
        static final String PREDICTION_COLUMN = "prediction_column";

        static Settings from(SettingValues s) {
            return new Settings(s.getString(CASE), s.getInt(MAX_CASES), s.getInt(AXIS), s.getLong(SLICE),
                    s.getString(REFERENCE_COLUMN), s.getString(PREDICTION_COLUMN));
        }
    }

    public ViewerNode() {
        super(TYPE,
                "Segmentation Viewer",
                "Draws a slice of each case's image with reference (green) and prediction (red) contours as PNGs.",
                List.of(PortDefinition.required("cases", PortKind.TABLE, "Cases with images, references and"
                        + " predictions.")),
                List.of(PortDefinition.required("overlays", PortKind.TABLE, "One row per overlay PNG.")),
                SETTINGS);
    }

    @Override
    public List<PortSpec> configure(List<PortSpec> inputs, SettingValues s) {
        TableSpec in = (TableSpec) inputs.get(0);
        Settings settings = Settings.from(s);
        if (in != null) {
            CaseTable.requireCases(in, s.nodeId(), "cases");
            for (String column : List.of(settings.referenceColumn(), settings.predictionColumn())) {
                if (!column.isEmpty()) {
                    in.require(s.nodeId(), "cases", column, ColumnType.PATH);
                }
            }
        }
        return List.of(OVERLAYS);
    }

    @Override
    public List<PortData> execute(List<PortData> inputs, SettingValues s, RunContext exec) {
        Settings settings = Settings.from(s);
        Table cases = (Table) inputs.get(0);
        String only = settings.caseId();
        List<Table.Row> rows = only.isEmpty() ? cases.rows().stream().limit(settings.maxCases()).toList()
                : cases.rows().stream().filter(r -> only.equals(r.string(CaseTable.CASE))).toList();
        if (rows.isEmpty()) {
            throw s.invalid(Settings.CASE, "names no case of the input, got '" + only + "'");
        }
        Table.Builder b = Table.builder(OVERLAYS);
        for (int i = 0; i < rows.size(); i++) {
            exec.checkCancelled();
            Table.Row r = rows.get(i);
            String id = r.string(CaseTable.CASE);
            exec.setProgress((double) i / rows.size(), "drawing " + id);
            Volume image = OneSliceVolumes.asImage(ImageFiles.read(r.paths(CaseTable.IMAGES).get(0)));
            Volume reference = read(r, settings.referenceColumn());
            Volume prediction = read(r, settings.predictionColumn());
            int axis = image.spatialDims() == 3 ? settings.axis() : 2;
            long slice = settings.slice();
            if (image.spatialDims() == 2) {
                slice = 0;
            } else if (slice < 0) {
                Volume fg = reference != null ? reference : prediction;
                slice = fg == null ? image.shape()[axis] / 2 : SliceOverlay.foregroundMiddle(fg, axis);
            } else if (slice >= image.shape()[axis]) {
                throw s.invalid(Settings.SLICE, String.format(Locale.ROOT, "must be below %d (axis %d of case %s),"
                        + " got %d", image.shape()[axis], axis, id, slice));
            }
            int a = axis;
            long k = slice;
            var png = SliceOverlay.render(SliceOverlay.slice(image, a, k),
                    reference == null ? null : SliceOverlay.slice(reference, a, k),
                    prediction == null ? null : SliceOverlay.slice(prediction, a, k));
            String name = image.spatialDims() == 3 ? id + "_axis" + axis + "_slice" + slice : id;
            Path file = exec.outputDir().resolve("overlays").resolve(name + ".png");
            AtomicFiles.write(file, false, tmp -> {
                if (!ImageIO.write(png, "png", tmp.toFile())) {
                    throw new java.io.IOException("no PNG writer");
                }
            });
            exec.addReportImage(file, id + (image.spatialDims() == 3 ? ", axis " + axis + " slice " + slice : "")
                    + ": " + SliceOverlay.LEGEND);
            b.add(id, (long) axis, slice, file);
        }
        return List.of(b.build());
    }

    private static Volume read(Table.Row r, String column) {
        if (column.isEmpty()) {
            return null;
        }
        Path p = r.path(column);
        // one-slice volumes are drawn as the 2D images they hold, whatever the axis setting
        return p == null ? null : OneSliceVolumes.asImage(ImageFiles.read(p));
    }
}
