package io.medseg.knime.nodes;

import org.knime.core.node.NodeFactory.NodeType;
import org.knime.node.DefaultNodeFactory;

import io.medseg.knime.node.DefaultNodes;

/** The Segmentation Model Reader node (engine type "model-reader"): it keeps no files of its own, so DefaultNodeFactory describes it all. */
public final class ModelReaderNodeFactory extends DefaultNodeFactory {
    public ModelReaderNodeFactory() {
        super(DefaultNodes.create(ModelReaderParameters.TYPE, ModelReaderParameters.class, "../../../../icons/model-reader.png",
                NodeType.Source));
    }
}
