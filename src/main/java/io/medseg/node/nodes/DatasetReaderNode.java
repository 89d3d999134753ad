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
            Setting.text(Settings.FOLDER, "", "The nnU-Net dataset folder (dataset.json, imagesTr, labelsTr); empty"
                    + " when the paths input is connected."),
            Setting.choice(Settings.SPLIT, "all", "Which cases to list: all, train (imagesTr) or test (imagesTs).",
                    "all", "train", "test"),
            Setting.text(Settings.PATHS_FILE, "", "Instead of a folder: a CSV case list with header"
                    + " case,images,label[,split] (channel images separated by ';', paths relative to the CSV)."),
            Setting.text(Settings.CHANNELS, "0=CT", "With the paths input: channel index=name pairs, e.g."
                    + " 0=T1;1=T2."),
            Setting.text(Settings.LABELS, "", "With the paths input: label name=value pairs including background,"
                    + " e.g. background=0;liver=1;tumour=2."));

    /**
     * The settings, typed, read once; channels and labels stay text, parsed (and checked) only when the cases come
     * from a list of paths.
     */
    record Settings(String folder, String split, String pathsFile, String channelsText, String labelsText) {
        static final String FOLDER = "folder";
        static final String SPLIT = "split";
        static final String PATHS_FILE = "paths_file";
        static final String CHANNELS = "channels";
        static final String LABELS = "labels";

        static Settings from(SettingValues s) {
            return new Settings(s.getString(FOLDER), s.getString(SPLIT), s.getString(PATHS_FILE),
                    s.getString(CHANNELS), s.getString(LABELS));
        }

        /** Whether the split setting lists the cases of {@code caseSplit}. */
        boolean includes(DatasetSplit caseSplit) {
            return split.equals("all") || split.equals(caseSplit.label());
        }
    }

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
        Settings settings = Settings.from(s);
        boolean folder = !settings.folder().isEmpty();
        boolean list = !settings.pathsFile().isEmpty();
        int sources = (folder ? 1 : 0) + (list ? 1 : 0) + (paths != null ? 1 : 0);
        if (sources != 1) {
            throw s.invalid(Settings.FOLDER, sources == 0 ? "is required (an nnU-Net dataset folder) unless"
                    + " paths_file is set or the paths input is connected" : "names one source of cases: set folder,"
                    + " or paths_file, or connect the paths input, not several");
        }
        if (list && !Files.isRegularFile(Path.of(settings.pathsFile()))) {
            throw s.invalid(Settings.PATHS_FILE, "must be an existing CSV case list, got '" + settings.pathsFile()
                    + "' (not found)");
        }
        if (folder) {
            var d = open(settings, s).descriptor();
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
        return List.of(CaseTable.spec(null, channels(settings, s), labels(settings, s)));
    }

    @Override
    public List<PortData> execute(List<PortData> inputs, SettingValues s, RunContext exec) {
        Settings settings = Settings.from(s);
        if (inputs.get(0) instanceof Table paths) {
            return List.of(fromPaths(paths, settings, s, exec));
        }
        if (!settings.pathsFile().isEmpty()) {
            return List.of(fromPaths(PathList.read(Path.of(settings.pathsFile())), settings, s, exec));
        }
        exec.setProgress(0, "validating the dataset");
        SegmentationDataset ds = open(settings, s);
        DatasetValidator.requireValid(ds);
        List<DatasetCase> cases = ds.cases().stream().filter(c -> settings.includes(c.split())).toList();
        if (cases.isEmpty()) {
            exec.warn("the dataset has no " + settings.split() + " cases");
        }
        return List.of(CaseTable.of(ds, cases, exec));
    }

    private static Table fromPaths(Table paths, Settings settings, SettingValues s, RunContext exec) {
        boolean single = paths.spec().indexOf(IMAGE) >= 0;
        boolean hasSplit = paths.spec().indexOf(CaseTable.SPLIT) >= 0;
        int channels = channels(settings, s).size();
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
            if (settings.includes(caseSplit)) {
                cases.add(new DatasetCase(id, caseSplit, images, r.path(CaseTable.LABEL)));
            }
        }
        return CaseTable.of(null, channels(settings, s), labels(settings, s), cases, exec);
    }

    private static Map<String, String> channels(Settings settings, SettingValues s) {
        Map<String, String> m = decode(s, Settings.CHANNELS, settings.channelsText(), "index=name pairs such as 0=CT"
                + " or 0=T1;1=T2");
        for (String k : m.keySet()) {
            if (!k.matches("\\d+")) {
                throw s.invalid(Settings.CHANNELS, "must be index=name pairs such as 0=CT or 0=T1;1=T2, got '"
                        + settings.channelsText() + "'");
            }
        }
        return m;
    }

    private static Map<String, Integer> labels(Settings settings, SettingValues s) {
        String expected = "name=value pairs with background=0, e.g. background=0;liver=1";
        Map<String, Integer> m = new LinkedHashMap<>();
        try {
            decode(s, Settings.LABELS, settings.labelsText(), expected)
                    .forEach((k, v) -> m.put(k, Integer.valueOf(v)));
        } catch (NumberFormatException e) {
            throw s.invalid(Settings.LABELS, "must be " + expected + ", got '" + settings.labelsText() + "'");
        }
        if (!Integer.valueOf(0).equals(m.get("background"))) {
            throw s.invalid(Settings.LABELS, "must be " + expected + ", got '" + settings.labelsText() + "'");
        }
        return m;
    }

    private static Map<String, String> decode(SettingValues s, String key, String text, String expected) {
        boolean pairs = java.util.Arrays.stream(text.split(";")).allMatch(p -> p.matches("[^=;]+=[^=;]+"));
        if (text.isEmpty() || !pairs) {
            throw s.invalid(key, "must be " + expected + ", got '" + text + "'");
        }
        return NamedValues.decode(text);
    }

    /** Opens the folder (a cheap listing); a missing folder or dataset.json is a setting error. */
    private static SegmentationDataset open(Settings settings, SettingValues s) {
        Path folder = Path.of(settings.folder());
        if (!Files.isDirectory(folder)) {
            throw s.invalid(Settings.FOLDER, "must be an existing dataset folder, got '" + folder + "' (not found)");
        }
        if (!Files.isRegularFile(folder.resolve("dataset.json"))) {
            throw s.invalid(Settings.FOLDER, "must be an nnU-Net dataset folder with dataset.json, got '" + folder
                    + "'");
        }
        SegmentationDataset ds = SegmentationDataset.open(folder);
        if (!ds.descriptorProblems().isEmpty()) {
            throw s.invalid(Settings.FOLDER, "has a broken dataset.json: " + ds.descriptorProblems().get(0));
        }
        return ds;
    }
}
