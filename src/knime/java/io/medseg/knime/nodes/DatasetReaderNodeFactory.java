package io.medseg.knime.nodes;

import java.util.Set;

import io.medseg.knime.node.MedSegNodeFactory;
import io.medseg.knime.node.MedSegNodeModel;

/** The Segmentation Dataset Reader node (engine type "dataset-reader"): a classic factory, because its outputs are files kept in the node's folder. */
public final class DatasetReaderNodeFactory extends MedSegNodeFactory<DatasetReaderParameters, MedSegNodeModel<DatasetReaderParameters>> {
    public DatasetReaderNodeFactory() {
        super(DatasetReaderParameters.TYPE, DatasetReaderParameters.class, "../../../../icons/dataset-reader.png", NodeType.Source, false);
    }

    @Override
    public MedSegNodeModel<DatasetReaderParameters> createNodeModel() {
        return new MedSegNodeModel<>(DatasetReaderParameters.TYPE, DatasetReaderParameters.class, Set.of(), false);
    }
}
