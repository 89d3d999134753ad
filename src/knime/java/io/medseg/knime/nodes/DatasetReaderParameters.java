package io.medseg.knime.nodes;

import org.knime.core.node.InvalidSettingsException;
import org.knime.node.parameters.NodeParameters;
import org.knime.node.parameters.Widget;
import org.knime.node.parameters.widget.choices.ChoicesProvider;
import org.knime.node.parameters.persistence.Persist;

import io.medseg.knime.node.EngineChoices;
import io.medseg.knime.node.EngineSettings;

/**
 * Dialog and settings of the Segmentation Dataset Reader node, generated from the engine's settings schema
 * (io.medseg.knime.ParametersSource; do not edit): config keys, defaults and descriptions are the engine's.
 */
public final class DatasetReaderParameters implements NodeParameters {
    static final String TYPE = "dataset-reader";

    @Widget(title = "Folder", description = "The nnU-Net dataset folder (dataset.json, imagesTr, labelsTr); empty when the paths input is connected. Allowed: text.")
    @Persist(configKey = "folder")
    public String m_folder = "";

    @Widget(title = "Split", description = "Which cases to list: all, train (imagesTr) or test (imagesTs). Allowed: one of all, train, test.")
    @ChoicesProvider(DatasetReaderParameters.SplitChoices.class)
    @Persist(configKey = "split")
    public String m_split = "all";

    @Widget(title = "Paths file", description = "Instead of a folder: a CSV case list with header case,images,label[,split] (channel images separated by ';', paths relative to the CSV). Allowed: text.")
    @Persist(configKey = "paths_file")
    public String m_pathsFile = "";

    @Widget(title = "Channels", description = "With the paths input: channel index=name pairs, e.g. 0=T1;1=T2. Allowed: text.")
    @Persist(configKey = "channels")
    public String m_channels = "0=CT";

    @Widget(title = "Labels", description = "With the paths input: label name=value pairs including background, e.g. background=0;liver=1;tumour=2. Allowed: text.")
    @Persist(configKey = "labels")
    public String m_labels = "";

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
