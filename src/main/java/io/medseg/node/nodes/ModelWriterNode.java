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
            Setting.path(Settings.PATH, null, "Where to write the model file, e.g. models/liver.medseg."),
            Setting.bool(Settings.OVERWRITE, false, "Replace an existing file."));

    /** The settings, typed, read once. */
    record Settings(Path path, boolean overwrite) {
        static final String PATH = "path";
        static final String OVERWRITE = "overwrite";

        static Settings from(SettingValues s) {
            return new Settings(s.getPath(PATH), s.getBoolean(OVERWRITE));
        }
    }

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
        Settings settings = Settings.from(s);
        Path target = settings.path();
        if (Files.isDirectory(target)) {
            throw s.invalid(Settings.PATH, "must be a file path, got the folder '" + target + "'");
        }
        if (Files.exists(target) && !settings.overwrite()) {
            throw s.invalid(Settings.PATH, "names an existing file '" + target + "'; set " + Settings.OVERWRITE
                    + "=true to replace it");
        }
        return List.of();
    }

    @Override
    public List<PortData> execute(List<PortData> inputs, SettingValues s, RunContext exec) {
        Settings settings = Settings.from(s);
        ModelPort model = (ModelPort) inputs.get(0);
        Path target = settings.path();
        exec.setProgress(0, "writing " + target);
        AtomicFiles.write(target, settings.overwrite(),
                tmp -> Files.copy(model.file(), tmp, StandardCopyOption.REPLACE_EXISTING));
        exec.message("model written to " + target.toAbsolutePath().normalize());
        return List.of();
    }
}
