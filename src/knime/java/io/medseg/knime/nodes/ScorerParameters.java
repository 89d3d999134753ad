package io.medseg.knime.nodes;

import org.knime.core.node.InvalidSettingsException;
import org.knime.node.parameters.NodeParameters;
import org.knime.node.parameters.Widget;
import org.knime.node.parameters.widget.choices.ChoicesProvider;
import org.knime.node.parameters.persistence.Persist;

import io.medseg.knime.node.EngineChoices;
import io.medseg.knime.node.EngineSettings;

/**
 * Dialog and settings of the Segmentation Scorer node, generated from the engine's settings schema
 * (io.medseg.knime.ParametersSource; do not edit): config keys, defaults and descriptions are the engine's.
 */
public final class ScorerParameters implements NodeParameters {
    static final String TYPE = "segmentation-scorer";

    @Widget(title = "Prediction column", description = "Column with the predicted label maps. Allowed: text.")
    @Persist(configKey = "prediction_column")
    public String m_predictionColumn = "prediction";

    @Widget(title = "Reference column", description = "Column with the reference label maps. Allowed: text.")
    @Persist(configKey = "reference_column")
    public String m_referenceColumn = "label";

    @Widget(title = "Nsd tolerance", description = "Tolerance of the normalised surface Dice in mm. Allowed: a number >= 0.")
    @Persist(configKey = "nsd_tolerance")
    public double m_nsdTolerance = 1.0;

    @Widget(title = "Empty", description = "A label absent from both masks scores nan (left out of the summary) or one (perfect). Allowed: one of nan, one.")
    @ChoicesProvider(ScorerParameters.EmptyChoices.class)
    @Persist(configKey = "empty")
    public String m_empty = "nan";

    @Widget(title = "Labels", description = "Labels to score, e.g. 1,2 (empty: every label found). Allowed: positive integers separated by commas (e.g. 64,64) or empty.")
    @Persist(configKey = "labels")
    public String m_labels = "";

    /** The engine's allowed values of 'empty'. */
    public static final class EmptyChoices extends EngineChoices {
        public EmptyChoices() {
            super(TYPE, "empty");
        }
    }

    /** The engine's own validation, so messages name the setting and what it allows. */
    @Override
    public void validate() throws InvalidSettingsException {
        EngineSettings.resolve(TYPE, this);
    }
}
