package io.medseg.knime.nodes;

import org.knime.core.node.NodeFactory.NodeType;
import org.knime.node.DefaultNodeFactory;

import io.medseg.knime.node.DefaultNodes;

/** The Segmentation Scorer node (engine type "segmentation-scorer"): it keeps no files of its own, so DefaultNodeFactory describes it all. */
public final class ScorerNodeFactory extends DefaultNodeFactory {
    public ScorerNodeFactory() {
        super(DefaultNodes.create(ScorerParameters.TYPE, ScorerParameters.class, "../../../../icons/scorer.png",
                NodeType.Other));
    }
}
