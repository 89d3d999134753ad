package io.medseg.knime.nodes;

import org.knime.core.node.InvalidSettingsException;
import org.knime.node.parameters.NodeParameters;
import org.knime.node.parameters.Widget;
import org.knime.node.parameters.persistence.Persist;

import io.medseg.knime.node.EngineSettings;

/**
 * Dialog and settings of the Segmentation Viewer node, generated from the engine's settings schema
 * (io.medseg.knime.ParametersSource; do not edit): config keys, defaults and descriptions are the engine's.
 */
public final class ViewerParameters implements NodeParameters {
    static final String TYPE = "segmentation-viewer";

    @Widget(title = "Case", description = "The case to show (empty: the first max_cases cases). Allowed: text.")
    @Persist(configKey = "case")
    public String m_case = "";

    @Widget(title = "Max cases", description = "How many cases to show when no case is named. Allowed: an integer in [1, 1000].")
    @Persist(configKey = "max_cases")
    public long m_maxCases = 4L;

    @Widget(title = "Axis", description = "Slice axis of 3D images (0, 1 or 2 in file index order; 2 = axial for RAS-like data); ignored for 2D images and one-slice volumes. Allowed: an integer in [0, 2].")
    @Persist(configKey = "axis")
    public long m_axis = 2L;

    @Widget(title = "Slice", description = "Slice index, or foreground for the middle of the reference's (else the prediction's) foreground. Allowed: foreground or an integer >= 0.")
    @Persist(configKey = "slice")
    public String m_slice = "foreground";

    @Widget(title = "Reference column", description = "Column with the reference label maps (empty: none). Allowed: text.")
    @Persist(configKey = "reference_column")
    public String m_referenceColumn = "label";

    @Widget(title = "Prediction column", description = "Column with the predicted label maps (empty: none). Allowed: text.")
    @Persist(configKey = "prediction_column")
    public String m_predictionColumn = "prediction";

    /** The engine's own validation, so messages name the setting and what it allows. */
    @Override
    public void validate() throws InvalidSettingsException {
        EngineSettings.resolve(TYPE, this);
    }
}
