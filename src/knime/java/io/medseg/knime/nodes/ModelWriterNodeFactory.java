package io.medseg.knime.nodes;

import org.knime.core.node.NodeFactory.NodeType;
import org.knime.node.DefaultNodeFactory;

import io.medseg.knime.node.DefaultNodes;

/** The Segmentation Model Writer node (engine type "model-writer"): it keeps no files of its own, so DefaultNodeFactory describes it all. */
public final class ModelWriterNodeFactory extends DefaultNodeFactory {
    public ModelWriterNodeFactory() {
        super(DefaultNodes.create(ModelWriterParameters.TYPE, ModelWriterParameters.class, "../../../../icons/model-writer.png",
                NodeType.Sink));
    }
}
