package io.medseg.knime.nodes;

import org.knime.core.node.InvalidSettingsException;
import org.knime.node.parameters.NodeParameters;
import org.knime.node.parameters.Widget;
import org.knime.node.parameters.widget.choices.ChoicesProvider;
import org.knime.node.parameters.persistence.Persist;

import io.medseg.knime.node.EngineChoices;
import io.medseg.knime.node.EngineSettings;

/**
 * Dialog and settings of the Segmentation Model Importer node, generated from the engine's settings schema
 * (io.medseg.knime.ParametersSource; do not edit): config keys, defaults and descriptions are the engine's.
 */
public final class ModelImporterParameters implements NodeParameters {
    static final String TYPE = "model-importer";

    @Widget(title = "Folder", description = "The nnU-Net trained-model folder (plans.json, dataset.json, fold_N/checkpoint_final.pth), e.g. nnUNetTrainerUMambaBot__nnUNetPlans__3d_fullres. Allowed: a file or folder path.")
    @Persist(configKey = "folder")
    public String m_folder = "";

    @Widget(title = "Folds", description = "Folds to import, comma-separated (0,1,2 or all for fold_all); empty: every fold_N folder holding the checkpoint, as nnU-Net predicts. Several folds predict the mean of their probabilities. Allowed: text.")
    @Persist(configKey = "folds")
    public String m_folds = "";

    @Widget(title = "Checkpoint", description = "Which checkpoint of each fold: checkpoint_final.pth or checkpoint_best.pth. Allowed: one of final, best.")
    @ChoicesProvider(ModelImporterParameters.CheckpointChoices.class)
    @Persist(configKey = "checkpoint")
    public String m_checkpoint = "final";

    /** The engine's allowed values of 'checkpoint'. */
    public static final class CheckpointChoices extends EngineChoices {
        public CheckpointChoices() {
            super(TYPE, "checkpoint");
        }
    }

    /** The engine's own validation, so messages name the setting and what it allows. */
    @Override
    public void validate() throws InvalidSettingsException {
        EngineSettings.resolve(TYPE, this);
    }
}
