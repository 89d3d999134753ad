package io.medseg.knime.nodes;

import org.knime.core.node.InvalidSettingsException;
import org.knime.node.parameters.NodeParameters;
import org.knime.node.parameters.Widget;
import org.knime.node.parameters.persistence.Persist;

import io.medseg.knime.node.EngineSettings;

/**
 * Dialog and settings of the Segmentation Model Reader node, generated from the engine's settings schema
 * (io.medseg.knime.ParametersSource; do not edit): config keys, defaults and descriptions are the engine's.
 */
public final class ModelReaderParameters implements NodeParameters {
    static final String TYPE = "model-reader";

    @Widget(title = "Path", description = "A .medseg model file or a folder holding model.medseg. Allowed: a file or folder path.")
    @Persist(configKey = "path")
    public String m_path = "";

    /** The engine's own validation, so messages name the setting and what it allows. */
    @Override
    public void validate() throws InvalidSettingsException {
        EngineSettings.resolve(TYPE, this);
    }
}
