package io.medseg.knime.nodes;

import org.knime.core.node.NodeFactory.NodeType;
import org.knime.node.DefaultNodeFactory;

import io.medseg.knime.node.DefaultNodes;

/** The Segmentation Model Importer node (engine type "model-importer"): it keeps no files of its own, so DefaultNodeFactory describes it all. */
public final class ModelImporterNodeFactory extends DefaultNodeFactory {
    public ModelImporterNodeFactory() {
        super(DefaultNodes.create(ModelImporterParameters.TYPE, ModelImporterParameters.class, "../../../../icons/model-importer.png",
                NodeType.Source));
    }
}
