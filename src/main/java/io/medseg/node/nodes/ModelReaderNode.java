package io.medseg.node.nodes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.medseg.MedSegException;
import io.medseg.inference.CasePredictor;
import io.medseg.model.ModelFile;
import io.medseg.node.AbstractMedSegNode;
import io.medseg.node.RunContext;
import io.medseg.node.ModelPort;
import io.medseg.node.ModelPortSpec;
import io.medseg.node.SettingValues;
import io.medseg.node.PortDefinition;
import io.medseg.node.PortKind;
import io.medseg.node.PortData;
import io.medseg.node.PortSpec;
import io.medseg.node.Setting;
import io.medseg.node.SettingsSchema;

/**
 * Segmentation Model Reader: a model file (or a training folder holding model.medseg) → the model port. Configure
 * reads the file's header only, so downstream nodes configure against the real architecture, channels and labels.
 */
public final class ModelReaderNode extends AbstractMedSegNode {
    public static final String TYPE = "model-reader";

    private static final SettingsSchema SETTINGS = new SettingsSchema(
            Setting.path(Settings.PATH, null, "A .medseg model file or a folder holding model.medseg."));

    /** The settings, typed, read once. */
    record Settings(Path path) {
        static final String PATH = "path";

        static Settings from(SettingValues s) {
            return new Settings(s.getPath(PATH));
        }
    }

    public ModelReaderNode() {
        super(TYPE,
                "Segmentation Model Reader",
                "Reads a trained model file written by the learner, the model writer or `medseg train`.",
                List.of(),
                List.of(PortDefinition.required("model", PortKind.MODEL, "The model.")),
                SETTINGS);
    }

    @Override
    public List<PortSpec> configure(List<PortSpec> inputs, SettingValues s) {
        return List.of(spec(file(Settings.from(s), s), s));
    }

    @Override
    public List<PortData> execute(List<PortData> inputs, SettingValues s, RunContext exec) {
        Path file = file(Settings.from(s), s);
        return List.of(new ModelPort(file, spec(file, s)));
    }

    private static Path file(Settings settings, SettingValues s) {
        Path p = settings.path();
        if (!Files.exists(p)) {
            throw s.invalid(Settings.PATH, "must be an existing model file or folder, got '" + p + "' (not found)");
        }
        return CasePredictor.modelFile(p).toAbsolutePath().normalize();
    }

    private static ModelPortSpec spec(Path file, SettingValues s) {
        try {
            return ModelPortSpec.of(ModelFile.readHeader(file));
        } catch (MedSegException e) {
            throw s.invalid(Settings.PATH, "must name a readable model file: " + e.getMessage());
        }
    }
}
