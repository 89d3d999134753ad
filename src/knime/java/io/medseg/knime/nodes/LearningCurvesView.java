package io.medseg.knime.nodes;

import javax.swing.ImageIcon;
import javax.swing.JLabel;
import javax.swing.JScrollPane;
import javax.swing.SwingConstants;

import org.knime.core.node.NodeView;

/**
 * The learner's node view: its learning curves (losses, pseudo-Dice, epoch time, learning rate) as the engine drew
 * them. Swing lives here only, never in the model, so the batch application and Hub executors run the node headless.
 */
final class LearningCurvesView extends NodeView<LearnerNodeModel> {
    private final JLabel m_chart = new JLabel("", SwingConstants.CENTER);

    LearningCurvesView(final LearnerNodeModel model) {
        super(model);
        setComponent(new JScrollPane(m_chart));
        modelChanged();
    }

    @Override
    protected void modelChanged() {
        byte[] png = getNodeModel().learningCurves();
        m_chart.setIcon(png == null ? null : new ImageIcon(png));
        m_chart.setText(png == null ? "No learning curves yet: execute the node." : null);
    }

    @Override
    protected void onOpen() {
        // the chart is set whenever the model changes
    }

    @Override
    protected void onClose() {
        // nothing to release
    }
}
