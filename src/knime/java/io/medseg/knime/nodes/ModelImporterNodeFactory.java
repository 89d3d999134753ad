package io.medseg.knime.nodes;

import java.util.Set;

import io.medseg.knime.node.MedSegNodeFactory;
import io.medseg.knime.node.MedSegNodeModel;

/** The Segmentation Model Importer node (engine type "model-importer"): a classic factory, because the imported model is a file kept in the node's folder. */
public final class ModelImporterNodeFactory
        extends MedSegNodeFactory<ModelImporterParameters, MedSegNodeModel<ModelImporterParameters>> {
    public ModelImporterNodeFactory() {
        super(ModelImporterParameters.TYPE, ModelImporterParameters.class, "../../../../icons/model-importer.png",
                NodeType.Source, false);
    }

    @Override
    public MedSegNodeModel<ModelImporterParameters> createNodeModel() {
        return new MedSegNodeModel<>(ModelImporterParameters.TYPE, ModelImporterParameters.class, Set.of(), false);
    }
}
