package io.medseg.node.nodes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.medseg.dataset.DatasetCase;
import io.medseg.dataset.DatasetValidator;
import io.medseg.dataset.SegmentationDataset;
import io.medseg.node.ExecutionContext;
import io.medseg.node.Node;
import io.medseg.node.NodeSettings;
import io.medseg.node.PortDefinition;
import io.medseg.node.PortKind;
import io.medseg.node.PortObject;
import io.medseg.node.PortSpec;
import io.medseg.node.Setting;
import io.medseg.node.SettingsSchema;

/**
 * Segmentation Dataset Reader: an nnU-Net v2 raw dataset folder → its case table. The dataset is validated first
 * (every problem reported at once) so downstream nodes never meet a half-broken dataset.
 */
public final class DatasetReaderNode implements Node {
    public static final String TYPE = "dataset-reader";

    private static final SettingsSchema SETTINGS = new SettingsSchema(
            Setting.path("folder", null, "The nnU-Net dataset folder (dataset.json, imagesTr, labelsTr)."),
            Setting.choice("split", "all", "Which cases to list: all, train (imagesTr) or test (imagesTs).", "all",
                    "train", "test"));

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String name() {
        return "Segmentation Dataset Reader";
    }

    @Override
    public String description() {
        return "Reads an nnU-Net-layout dataset folder and outputs one row per case: id, image path(s), label path,"
                + " shape, spacing and split.";
    }

    @Override
    public List<PortDefinition> inputs() {
        return List.of();
    }

    @Override
    public List<PortDefinition> outputs() {
        return List.of(PortDefinition.required("cases", PortKind.TABLE, "One row per case."));
    }

    @Override
    public SettingsSchema settings() {
        return SETTINGS;
    }

    @Override
    public List<PortSpec> configure(List<PortSpec> inputs, NodeSettings s) {
        SegmentationDataset ds = open(s);
        var d = ds.descriptor();
        return List.of(CaseTable.spec(null, d.channelNames(), d.labels()));
    }

    @Override
    public List<PortObject> execute(List<PortObject> inputs, NodeSettings s, ExecutionContext exec) {
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

    /** Opens the folder (a cheap listing); a missing folder or dataset.json is a setting error. */
    private static SegmentationDataset open(NodeSettings s) {
        Path folder = s.getPath("folder");
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
