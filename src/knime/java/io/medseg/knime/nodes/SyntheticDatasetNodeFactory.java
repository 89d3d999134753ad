package io.medseg.knime.nodes;

import java.util.Set;

import io.medseg.knime.node.MedSegNodeFactory;
import io.medseg.knime.node.MedSegNodeModel;

/** The Synthetic Dataset node (engine type "synthetic-dataset"): a classic factory, because the dataset's phantoms are files kept in the node's folder. */
public final class SyntheticDatasetNodeFactory extends MedSegNodeFactory<SyntheticDatasetParameters, MedSegNodeModel<SyntheticDatasetParameters>> {
    public SyntheticDatasetNodeFactory() {
        super(SyntheticDatasetParameters.TYPE, SyntheticDatasetParameters.class, "../../../../icons/synthetic-dataset.png", NodeType.Source, false);
    }

    @Override
    public MedSegNodeModel<SyntheticDatasetParameters> createNodeModel() {
        return new MedSegNodeModel<>(SyntheticDatasetParameters.TYPE, SyntheticDatasetParameters.class, Set.of(), false);
    }
}
