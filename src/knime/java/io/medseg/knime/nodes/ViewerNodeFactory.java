package io.medseg.knime.nodes;

import java.util.Set;

import io.medseg.knime.node.MedSegNodeFactory;
import io.medseg.knime.node.MedSegNodeModel;

/** The Segmentation Viewer node (engine type "segmentation-viewer"): a classic factory, because its overlay PNGs are kept in the node's folder and shown as image cells (column overlay_image). */
public final class ViewerNodeFactory extends MedSegNodeFactory<ViewerParameters, MedSegNodeModel<ViewerParameters>> {
    public ViewerNodeFactory() {
        super(ViewerParameters.TYPE, ViewerParameters.class, "../../../../icons/viewer.png", NodeType.Visualizer, false);
    }

    @Override
    public MedSegNodeModel<ViewerParameters> createNodeModel() {
        return new MedSegNodeModel<>(ViewerParameters.TYPE, ViewerParameters.class, Set.of("overlay"), false);
    }
}
