package io.medseg.node.nodes;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import io.medseg.MedSegException;
import io.medseg.model.ModelMetadata;
import io.medseg.model.nnunet.NnUNetImporter;
import io.medseg.node.AbstractMedSegNode;
import io.medseg.node.ModelPort;
import io.medseg.node.ModelPortSpec;
import io.medseg.node.PortData;
import io.medseg.node.PortDefinition;
import io.medseg.node.PortKind;
import io.medseg.node.PortSpec;
import io.medseg.node.RunContext;
import io.medseg.node.Setting;
import io.medseg.node.SettingValues;
import io.medseg.node.SettingsSchema;

/**
 * Segmentation Model Importer: an nnU-Net v2 trained-model folder of the released LightM-UNet, U-Mamba or xLSTM-UNet
 * trainers → the model port, as {@code medseg import} does. Configure reads the plans and the checkpoints' pickles
 * (not their weights), so downstream nodes configure against the real channels, labels and patch.
 */
public final class ModelImporterNode extends AbstractMedSegNode {
    public static final String TYPE = "model-importer";

    private static final SettingsSchema SETTINGS = new SettingsSchema(
            Setting.path(Settings.FOLDER, null, "The nnU-Net trained-model folder (plans.json, dataset.json,"
                    + " fold_N/checkpoint_final.pth), e.g. nnUNetTrainerUMambaBot__nnUNetPlans__3d_fullres."),
            Setting.text(Settings.FOLDS, "", "Folds to import, comma-separated (0,1,2 or all for fold_all); empty:"
                    + " every fold_N folder holding the checkpoint, as nnU-Net predicts. Several folds predict the"
                    + " mean of their probabilities."),
            Setting.choice(Settings.CHECKPOINT, "final", "Which checkpoint of each fold: checkpoint_final.pth or"
                    + " checkpoint_best.pth.", "final", "best"));

    /** The settings, typed, read once. */
    record Settings(Path folder, List<String> folds, NnUNetImporter.Checkpoint checkpoint) {
        static final String FOLDER = "folder";
        static final String FOLDS = "folds";
        static final String CHECKPOINT = "checkpoint";

        static Settings from(SettingValues s) {
            String folds = s.getString(FOLDS).trim();
            List<String> list = folds.isEmpty() ? List.of() : Arrays.stream(folds.split(",")).map(String::trim).toList();
            for (String f : list) {
                if (!NnUNetImporter.isFold(f)) {
                    throw s.invalid(FOLDS, "must list fold numbers such as 0,1,2, or all; got '" + folds + "'");
                }
            }
            return new Settings(s.getPath(FOLDER), list, s.getString(CHECKPOINT).equals("best")
                    ? NnUNetImporter.Checkpoint.BEST : NnUNetImporter.Checkpoint.FINAL);
        }
    }

    public ModelImporterNode() {
        super(TYPE,
                "Segmentation Model Importer",
                "Imports a model trained with the official LightM-UNet, U-Mamba, xLSTM-UNet or nnU-Net code (an"
                        + " nnU-Net v2 trained-model folder); it predicts as the official network does.",
                List.of(),
                List.of(PortDefinition.required("model", PortKind.MODEL, "The imported model.")),
                SETTINGS);
    }

    @Override
    public List<PortSpec> configure(List<PortSpec> inputs, SettingValues s) {
        Settings settings = Settings.from(s);
        try {
            NnUNetImporter.Prepared p = NnUNetImporter.prepare(settings.folder(), settings.folds(),
                    settings.checkpoint());
            return List.of(spec(p));
        } catch (MedSegException e) {
            throw s.invalid(Settings.FOLDER, "must be an importable nnU-Net model folder: " + e.getMessage());
        }
    }

    @Override
    public List<PortData> execute(List<PortData> inputs, SettingValues s, RunContext exec) {
        Settings settings = Settings.from(s);
        exec.setProgress(0, "importing " + settings.folder());
        NnUNetImporter.Prepared p = NnUNetImporter.run(settings.folder(), settings.folds(), settings.checkpoint(),
                exec.outputDir(), true);
        exec.message("imported " + p.architecture() + " (" + p.configuration() + ", " + String.join(", ", p.folds())
                + ")");
        return List.of(new ModelPort(exec.outputDir().resolve(NnUNetImporter.MODEL_FILE), spec(p)));
    }

    private static ModelPortSpec spec(NnUNetImporter.Prepared p) {
        ModelMetadata m = p.metadata();
        return new ModelPortSpec(p.architecture().id(), p.plan().dims(), m.channelNames(), m.labels(),
                m.patchSize(), m.normalisation(), m.versions());
    }
}
