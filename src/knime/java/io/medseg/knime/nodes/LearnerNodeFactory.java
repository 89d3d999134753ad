package io.medseg.knime.nodes;

import io.medseg.knime.node.MedSegNodeFactory;

/**
 * The Segmentation Learner node (engine type "segmentation-learner"): classic, for its resumable checkpoints and
 * its third output, the learning curves as an image.
 */
public final class LearnerNodeFactory extends MedSegNodeFactory<LearnerParameters, LearnerNodeModel> {
    public LearnerNodeFactory() {
        super(LearnerParameters.TYPE, LearnerParameters.class, "../../../../icons/learner.png", NodeType.Learner,
                true);
    }

    @Override
    public LearnerNodeModel createNodeModel() {
        return new LearnerNodeModel();
    }
}
