package io.medseg.knime.nodes;

import org.knime.core.node.InvalidSettingsException;
import org.knime.node.parameters.NodeParameters;
import org.knime.node.parameters.Widget;
import org.knime.node.parameters.widget.choices.ChoicesProvider;
import org.knime.node.parameters.persistence.Persist;

import io.medseg.knime.node.EngineChoices;
import io.medseg.knime.node.EngineSettings;

/**
 * Dialog and settings of the Synthetic Dataset node, generated from the engine's settings schema
 * (io.medseg.knime.ParametersSource; do not edit): config keys, defaults and descriptions are the engine's.
 */
public final class SyntheticDatasetParameters implements NodeParameters {
    static final String TYPE = "synthetic-dataset";

    @Widget(title = "Dims", description = "2 (axial slices) or 3 (volumes). Allowed: one of 2, 3.")
    @ChoicesProvider(SyntheticDatasetParameters.DimsChoices.class)
    @Persist(configKey = "dims")
    public String m_dims = "2";

    @Widget(title = "Cases", description = "Number of cases; a fifth become labelled test cases. Allowed: an integer in [2, 10000].")
    @Persist(configKey = "cases")
    public long m_cases = 10L;

    @Widget(title = "Seed", description = "Seed of the phantoms. Allowed: an integer.")
    @Persist(configKey = "seed")
    public long m_seed = 0L;

    @Widget(title = "Size", description = "Shape per case, e.g. 128,128 or 64,64,64 (empty: 128x128 or 64x64x64). Allowed: positive integers separated by commas (e.g. 64,64) or empty.")
    @Persist(configKey = "size")
    public String m_size = "";

    /** The engine's allowed values of 'dims'. */
    public static final class DimsChoices extends EngineChoices {
        public DimsChoices() {
            super(TYPE, "dims");
        }
    }

    /** The engine's own validation, so messages name the setting and what it allows. */
    @Override
    public void validate() throws InvalidSettingsException {
        EngineSettings.resolve(TYPE, this);
    }
}
