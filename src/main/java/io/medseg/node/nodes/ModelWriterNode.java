package io.medseg.node.nodes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import io.medseg.io.AtomicFiles;
import io.medseg.node.AbstractMedSegNode;
import io.medseg.node.RunContext;
import io.medseg.node.ModelPort;
import io.medseg.node.SettingValues;
import io.medseg.node.PortDefinition;
import io.medseg.node.PortKind;
import io.medseg.node.PortData;
import io.medseg.node.PortSpec;
import io.medseg.node.Setting;
import io.medseg.node.SettingsSchema;

/** Segmentation Model Writer: copies the model file to a location (atomically; replaces only with overwrite). */
public final class ModelWriterNode extends AbstractMedSegNode {
    public static final String TYPE = "model-writer";

    private static final SettingsSchema SETTINGS = new SettingsSchema(
            Setting.path("path", null, "Where to write the model file, e.g. models/liver.medseg."),
            Setting.bool("overwrite", false, "Replace an existing file."));

    public ModelWriterNode() {
        super(TYPE,
                "Segmentation Model Writer",
                "Writes the model (weights, plan, labels and versions in one .medseg file) to a location.",
                List.of(PortDefinition.required("model", PortKind.MODEL, "The model to write.")),
                List.of(),
                SETTINGS);
    }

    @Override
    public List<PortSpec> configure(List<PortSpec> inputs, SettingValues s) {
        Path target = s.getPath("path");
        if (Files.isDirectory(target)) {
            throw s.invalid("path", "must be a file path, got the folder '" + target + "'");
        }
        if (Files.exists(target) && !s.getBoolean("overwrite")) {
            throw s.invalid("path", "names an existing file '" + target + "'; set overwrite=true to replace it");
        }
        return List.of();
    }

    @Override
    public List<PortData> execute(List<PortData> inputs, SettingValues s, RunContext exec) {
        ModelPort model = (ModelPort) inputs.get(0);
        Path target = s.getPath("path");
        exec.setProgress(0, "writing " + target);
        AtomicFiles.write(target, s.getBoolean("overwrite"),
                tmp -> Files.copy(model.file(), tmp, StandardCopyOption.REPLACE_EXISTING));
        exec.message("model written to " + target.toAbsolutePath().normalize());
        return List.of();
    }
}
