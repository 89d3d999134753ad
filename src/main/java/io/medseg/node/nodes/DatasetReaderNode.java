package io.medseg.node.nodes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.medseg.MedSegException;
import io.medseg.dataset.DatasetCase;
import io.medseg.dataset.DatasetSplit;
import io.medseg.dataset.DatasetValidator;
import io.medseg.dataset.SegmentationDataset;
import io.medseg.io.ImageFiles;
import io.medseg.node.AbstractMedSegNode;
import io.medseg.node.ColumnType;
import io.medseg.node.RunContext;
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
 * Segmentation Dataset Reader: an nnU-Net v2 raw dataset folder, or a table of image and label paths (KNIME's "List
 * Files" output, a CSV), → the case table. A folder is validated first (every problem reported at once) so downstream
 * nodes never meet a half-broken dataset; listed files must exist and be readable images.
 */
public final class DatasetReaderNode extends AbstractMedSegNode {
    public static final String TYPE = "dataset-reader";

    private static final SettingsSchema SETTINGS = new SettingsSchema(
            Setting.text("folder", "", "The nnU-Net dataset folder (dataset.json, imagesTr, labelsTr); empty when"
                    + " the paths input is connected."),
            Setting.choice("split", "all", "Which cases to list: all, train (imagesTr) or test (imagesTs).", "all",
                    "train", "test"),
            Setting.text("paths_file", "", "Instead of a folder: a CSV case list with header case,images,label[,split]"
                    + " (channel images separated by ';', paths relative to the CSV)."),
            Setting.text("channels", "0=CT", "With the paths input: channel index=name pairs, e.g. 0=T1;1=T2."),
            Setting.text("labels", "", "With the paths input: label name=value pairs including background, e.g."
                    + " background=0;liver=1;tumour=2."));

    /** Columns of the paths input: case id, image path (one channel) or paths, label path (may be empty). */
    static final String IMAGE = "image";

    public DatasetReaderNode() {
        super(TYPE,
                "Segmentation Dataset Reader",
                "Reads an nnU-Net-layout dataset folder and outputs one row per case: id, image path(s), label path,"
                        + " shape, spacing and split.",
                List.of(PortDefinition.optional("paths", PortKind.TABLE, "Instead of a folder: a table with columns"
                        + " case, image (or images: one path per channel), label (empty for unlabelled cases) and"
                        + " optionally split (train/test).")),
                List.of(PortDefinition.required("cases", PortKind.TABLE, "One row per case.")),
                SETTINGS);
    }

    @Override
    public List<PortSpec> configure(List<PortSpec> inputs, SettingValues s) {
        TableSpec paths = (TableSpec) inputs.get(0);
        boolean folder = !s.getString("folder").isEmpty();
        boolean list = !s.getString("paths_file").isEmpty();
        int sources = (folder ? 1 : 0) + (list ? 1 : 0) + (paths != null ? 1 : 0);
        if (sources != 1) {
            throw s.invalid("folder", sources == 0 ? "is required (an nnU-Net dataset folder) unless paths_file is set"
                    + " or the paths input is connected" : "names one source of cases: set folder, or paths_file, or"
                    + " connect the paths input, not several");
        }
        if (list && !Files.isRegularFile(Path.of(s.getString("paths_file")))) {
            throw s.invalid("paths_file", "must be an existing CSV case list, got '" + s.getString("paths_file")
                    + "' (not found)");
        }
        if (folder) {
            var d = open(s).descriptor();
            return List.of(CaseTable.spec(null, d.channelNames(), d.labels()));
        }
        if (paths != null) {
            paths.require(s.nodeId(), "paths", CaseTable.CASE, ColumnType.STRING);
            if (paths.indexOf(IMAGE) < 0) {
                paths.require(s.nodeId(), "paths", CaseTable.IMAGES, ColumnType.PATHS);
            } else {
                paths.require(s.nodeId(), "paths", IMAGE, ColumnType.PATH);
            }
            paths.require(s.nodeId(), "paths", CaseTable.LABEL, ColumnType.PATH);
        }
        return List.of(CaseTable.spec(null, channels(s), labels(s)));
    }

    @Override
    public List<PortData> execute(List<PortData> inputs, SettingValues s, RunContext exec) {
        if (inputs.get(0) instanceof Table paths) {
            return List.of(fromPaths(paths, s, exec));
        }
        if (!s.getString("paths_file").isEmpty()) {
            return List.of(fromPaths(PathList.read(Path.of(s.getString("paths_file"))), s, exec));
        }
        exec.setProgress(0, "validating the dataset");
        SegmentationDataset ds = open(s);
        DatasetValidator.requireValid(ds);
        String split = s.getString("split");
        List<DatasetCase> cases = ds.cases().stream()
                .filter(c -> split.equals("all") || c.split().label().equals(split)).toList();
        if (cases.isEmpty()) {
            exec.warn("the dataset has no " + split + " cases");
        }
        return List.of(CaseTable.of(ds, cases, exec));
    }

    private static Table fromPaths(Table paths, SettingValues s, RunContext exec) {
        String split = s.getString("split");
        boolean single = paths.spec().indexOf(IMAGE) >= 0;
        boolean hasSplit = paths.spec().indexOf(CaseTable.SPLIT) >= 0;
        int channels = channels(s).size();
        List<DatasetCase> cases = new ArrayList<>();
        for (Table.Row r : paths.rows()) {
            String id = r.string(CaseTable.CASE);
            List<Path> images = single ? java.util.Collections.singletonList(r.path(IMAGE)) : r.paths(CaseTable.IMAGES);
            if (id == null || images == null || images.isEmpty()
                    || images.stream().anyMatch(java.util.Objects::isNull)) {
                throw new MedSegException("node '" + s.nodeId() + "': a row of input 'paths' has no case id or image");
            }
            if (images.size() != channels) {
                throw new MedSegException("node '" + s.nodeId() + "': case " + id + " has " + images.size()
                        + " image(s) but setting 'channels' declares " + channels);
            }
            DatasetSplit caseSplit = hasSplit && DatasetSplit.TEST.label().equals(r.string(CaseTable.SPLIT))
                    ? DatasetSplit.TEST : DatasetSplit.TRAIN;
            images.forEach(ImageFiles::checkReadable);
            if (r.path(CaseTable.LABEL) != null) {
                ImageFiles.checkReadable(r.path(CaseTable.LABEL));
            }
            if (split.equals("all") || split.equals(caseSplit.label())) {
                cases.add(new DatasetCase(id, caseSplit, images, r.path(CaseTable.LABEL)));
            }
        }
        return CaseTable.of(null, channels(s), labels(s), cases, exec);
    }

    private static Map<String, String> channels(SettingValues s) {
        Map<String, String> m = decode(s, "channels", "index=name pairs such as 0=CT or 0=T1;1=T2");
        for (String k : m.keySet()) {
            if (!k.matches("\\d+")) {
                throw s.invalid("channels", "must be index=name pairs such as 0=CT or 0=T1;1=T2, got '"
                        + s.getString("channels") + "'");
            }
        }
        return m;
    }

    private static Map<String, Integer> labels(SettingValues s) {
        String expected = "name=value pairs with background=0, e.g. background=0;liver=1";
        Map<String, Integer> m = new LinkedHashMap<>();
        try {
            decode(s, "labels", expected).forEach((k, v) -> m.put(k, Integer.valueOf(v)));
        } catch (NumberFormatException e) {
            throw s.invalid("labels", "must be " + expected + ", got '" + s.getString("labels") + "'");
        }
        if (!Integer.valueOf(0).equals(m.get("background"))) {
            throw s.invalid("labels", "must be " + expected + ", got '" + s.getString("labels") + "'");
        }
        return m;
    }

    private static Map<String, String> decode(SettingValues s, String key, String expected) {
        String text = s.getString(key);
        boolean pairs = java.util.Arrays.stream(text.split(";")).allMatch(p -> p.matches("[^=;]+=[^=;]+"));
        if (text.isEmpty() || !pairs) {
            throw s.invalid(key, "must be " + expected + ", got '" + text + "'");
        }
        return NamedValues.decode(text);
    }

    /** Opens the folder (a cheap listing); a missing folder or dataset.json is a setting error. */
    private static SegmentationDataset open(SettingValues s) {
        Path folder = Path.of(s.getString("folder"));
        if (!Files.isDirectory(folder)) {
            throw s.invalid("folder", "must be an existing dataset folder, got '" + folder + "' (not found)");
        }
        if (!Files.isRegularFile(folder.resolve("dataset.json"))) {
            throw s.invalid("folder", "must be an nnU-Net dataset folder with dataset.json, got '" + folder + "'");
        }
        SegmentationDataset ds = SegmentationDataset.open(folder);
        if (!ds.descriptorProblems().isEmpty()) {
            throw s.invalid("folder", "has a broken dataset.json: " + ds.descriptorProblems().get(0));
        }
        return ds;
    }
}
