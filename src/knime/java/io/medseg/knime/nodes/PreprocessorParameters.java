package io.medseg.knime.nodes;

import org.knime.core.node.InvalidSettingsException;
import org.knime.node.parameters.NodeParameters;
import org.knime.node.parameters.Widget;
import org.knime.node.parameters.widget.choices.ChoicesProvider;
import org.knime.node.parameters.persistence.Persist;

import io.medseg.knime.node.EngineChoices;
import io.medseg.knime.node.EngineSettings;

/**
 * Dialog and settings of the Segmentation Preprocessor node, generated from the engine's settings schema
 * (io.medseg.knime.ParametersSource; do not edit): config keys, defaults and descriptions are the engine's.
 */
public final class PreprocessorParameters implements NodeParameters {
    static final String TYPE = "segmentation-preprocessor";

    @Widget(title = "Architecture", description = "The network to plan and train. Allowed: one of lightm-unet, xlstm-unet-bot, xlstm-unet-enc, umamba-bot, umamba-enc, residual-unet.")
    @ChoicesProvider(PreprocessorParameters.ArchitectureChoices.class)
    @Persist(configKey = "architecture")
    public String m_architecture = "lightm-unet";

    @Widget(title = "Dims", description = "The network's dimensionality: auto (the cases': 2 for 2D images and one-slice volumes, else 3), 2 or 3; 2 on 3D cases plans nnU-Net's 2d configuration, a 2D network trained on slices of the volumes. Allowed: one of auto, 2, 3.")
    @ChoicesProvider(PreprocessorParameters.DimsChoices.class)
    @Persist(configKey = "dims")
    public String m_dims = "auto";

    @Widget(title = "Split", description = "Which labelled cases to preprocess for training: train or all. Allowed: one of train, all.")
    @ChoicesProvider(PreprocessorParameters.SplitChoices.class)
    @Persist(configKey = "split")
    public String m_split = "train";

    @Widget(title = "Memory", description = "Memory budget the patch and batch are planned for, or auto (the GPU's memory, else half of the machine's). Allowed: a memory size such as 8G or 512M, or auto.")
    @Persist(configKey = "memory")
    public String m_memory = "8G";

    @Widget(title = "Patch size", description = "Training patch size per axis (empty: planned). Allowed: positive integers separated by commas (e.g. 64,64) or empty.")
    @Persist(configKey = "patch_size")
    public String m_patchSize = "";

    @Widget(title = "Batch size", description = "Patches per training step (empty: planned). Allowed: an integer in [1, 4096] or empty.")
    @Persist(configKey = "batch_size")
    public String m_batchSize = "";

    @Widget(title = "Target spacing", description = "Spacing in mm every case is resampled to (empty: planned). Allowed: positive numbers separated by commas (e.g. 1,0.8,0.8) or empty.")
    @Persist(configKey = "target_spacing")
    public String m_targetSpacing = "";

    @Widget(title = "Crop to nonzero", description = "Crop cases to their non-zero region: auto (planned), true or false. Allowed: one of auto, true, false.")
    @ChoicesProvider(PreprocessorParameters.CropToNonzeroChoices.class)
    @Persist(configKey = "crop_to_nonzero")
    public String m_cropToNonzero = "auto";

    @Widget(title = "Plan file", description = "A plan.json to use instead of planning (empty: plan automatically). Allowed: text.")
    @Persist(configKey = "plan_file")
    public String m_planFile = "";

    /** The engine's allowed values of 'architecture'. */
    public static final class ArchitectureChoices extends EngineChoices {
        public ArchitectureChoices() {
            super(TYPE, "architecture");
        }
    }

    /** The engine's allowed values of 'dims'. */
    public static final class DimsChoices extends EngineChoices {
        public DimsChoices() {
            super(TYPE, "dims");
        }
    }

    /** The engine's allowed values of 'split'. */
    public static final class SplitChoices extends EngineChoices {
        public SplitChoices() {
            super(TYPE, "split");
        }
    }

    /** The engine's allowed values of 'crop_to_nonzero'. */
    public static final class CropToNonzeroChoices extends EngineChoices {
        public CropToNonzeroChoices() {
            super(TYPE, "crop_to_nonzero");
        }
    }

    /** The engine's own validation, so messages name the setting and what it allows. */
    @Override
    public void validate() throws InvalidSettingsException {
        EngineSettings.resolve(TYPE, this);
    }
}
