package io.medseg.knime.nodes;

import org.knime.core.node.InvalidSettingsException;
import org.knime.node.parameters.NodeParameters;
import org.knime.node.parameters.Widget;
import org.knime.node.parameters.widget.choices.ChoicesProvider;
import org.knime.node.parameters.persistence.Persist;

import io.medseg.knime.node.EngineChoices;
import io.medseg.knime.node.EngineSettings;

/**
 * Dialog and settings of the Segmentation Predictor node, generated from the engine's settings schema
 * (io.medseg.knime.ParametersSource; do not edit): config keys, defaults and descriptions are the engine's.
 */
public final class PredictorParameters implements NodeParameters {
    static final String TYPE = "segmentation-predictor";

    @Widget(title = "Split", description = "Which cases to segment: test, train or all. Allowed: one of test, train, all.")
    @ChoicesProvider(PredictorParameters.SplitChoices.class)
    @Persist(configKey = "split")
    public String m_split = "test";

    @Widget(title = "Overlap", description = "Fraction of a patch shared by neighbouring tiles (nnU-Net: 0.5). Allowed: a number in [0, 1).")
    @Persist(configKey = "overlap")
    public double m_overlap = 0.5;

    @Widget(title = "Mirroring", description = "Average over mirrored inputs (test-time augmentation; 4x/8x slower). Allowed: true or false.")
    @Persist(configKey = "mirroring")
    public boolean m_mirroring = false;

    @Widget(title = "Tile batch", description = "Tiles per forward pass. Allowed: an integer in [1, 256].")
    @Persist(configKey = "tile_batch")
    public long m_tileBatch = 4L;

    @Widget(title = "Probabilities", description = "Also write the per-class probability maps. Allowed: true or false.")
    @Persist(configKey = "probabilities")
    public boolean m_probabilities = false;

    @Widget(title = "Postprocessing", description = "Apply the postprocessing the model's validation chose (keep only the largest component of the foreground or of some labels); off: the argmax as it is. Allowed: true or false.")
    @Persist(configKey = "postprocessing")
    public boolean m_postprocessing = true;

    @Widget(title = "Device", description = "auto (the first GPU, else the CPU), cpu, gpu:N or gpu:N,M (training data-parallel). Allowed: auto, cpu, gpu:N or gpu:N,M,....")
    @Persist(configKey = "device")
    public String m_device = "auto";

    /** The engine's allowed values of 'split'. */
    public static final class SplitChoices extends EngineChoices {
        public SplitChoices() {
            super(TYPE, "split");
        }
    }

    /** The engine's own validation, so messages name the setting and what it allows. */
    @Override
    public void validate() throws InvalidSettingsException {
        EngineSettings.resolve(TYPE, this);
    }
}
