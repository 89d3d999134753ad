package io.medseg.knime.nodes;

import org.knime.core.node.NodeView;

import io.medseg.knime.node.MedSegNodeFactory;

/**
 * The Segmentation Learner node (engine type "segmentation-learner"): classic, for its resumable checkpoints, its
 * third output (the learning curves as an image) and a view of those curves.
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

    @Override
    protected String viewDescription() {
        return MedSegNodeFactory.IMAGE_PORT + " Shown after execution and again after the workflow is reloaded.";
    }

    @Override
    protected int getNrNodeViews() {
        return 1;
    }

    @Override
    public NodeView<LearnerNodeModel> createNodeView(final int index, final LearnerNodeModel model) {
        if (index != 0) {
            throw new IndexOutOfBoundsException("the learner has one view, got index " + index);
        }
        return new LearningCurvesView(model);
    }
}
