package io.medseg.knime.node;

import java.io.IOException;
import java.util.List;

import org.apache.xmlbeans.XmlException;
import org.knime.core.node.NodeDescription;
import org.knime.core.node.NodeDialogPane;
import org.knime.core.node.NodeFactory;
import org.knime.core.node.NodeView;
import org.knime.core.node.port.image.ImagePortObject;
import org.knime.core.webui.node.dialog.NodeDialog;
import org.knime.core.webui.node.dialog.NodeDialogFactory;
import org.knime.core.webui.node.dialog.NodeDialogManager;
import org.knime.core.webui.node.dialog.SettingsType;
import org.knime.core.webui.node.dialog.defaultdialog.DefaultNodeDialog;
import org.knime.core.webui.node.impl.PortDescription;
import org.knime.core.webui.node.impl.WebUINodeFactory;
import org.knime.node.parameters.NodeParameters;
import org.xml.sax.SAXException;

import io.medseg.knime.port.Ports;
import io.medseg.node.MedSegNode;
import io.medseg.node.PortDefinition;

/**
 * A classic factory for a MedSeg node: the Web UI dialog comes from its NodeParameters class, the node description
 * is generated from the engine node's description, ports and settings (options from the parameters' widgets).
 */
public abstract class MedSegNodeFactory<P extends NodeParameters, M extends MedSegNodeModel<P>> extends NodeFactory<M>
        implements NodeDialogFactory {
    /** Description of the image port that nodes with {@code imagePort} have last. */
    public static final String IMAGE_PORT = "The learning curves (losses, pseudo-Dice, epoch time, learning rate).";

    private final String m_type;
    private final Class<P> m_parameters;
    private final String m_icon;
    private final NodeType m_nodeType;
    private final boolean m_imagePort;

    protected MedSegNodeFactory(String type, Class<P> parameters, String icon, NodeType nodeType,
            boolean imagePort) {
        super(true); // the description needs the fields above, so it is built once they are set
        m_type = type;
        m_parameters = parameters;
        m_icon = icon;
        m_nodeType = nodeType;
        m_imagePort = imagePort;
        init();
    }

    @Override
    protected NodeDescription createNodeDescription() throws SAXException, IOException, XmlException {
        MedSegNode node = EngineSettings.node(m_type);
        List<PortDescription> out = new java.util.ArrayList<>(describe(node.outputs()));
        if (m_imagePort) {
            out.add(new PortDescription("learning curves", ImagePortObject.TYPE, IMAGE_PORT));
        }
        return WebUINodeFactory.createNodeDescription(node.name(), m_icon,
                describe(node.inputs()).toArray(PortDescription[]::new), out.toArray(PortDescription[]::new),
                node.description(), NodeText.fullDescription(node), m_parameters, null, viewDescription(), m_nodeType,
                new String[] { "MedSeg", "segmentation", "medical imaging" });
    }

    /** The description of the node's classic view, null for nodes without one (called while constructing). */
    protected String viewDescription() {
        return null;
    }

    static List<PortDescription> describe(List<PortDefinition> ports) {
        return ports.stream().map(p -> new PortDescription(p.name(), Ports.type(p), NodeText.port(p))).toList();
    }

    @Override
    public NodeDialog createNodeDialog() {
        return new DefaultNodeDialog(SettingsType.MODEL, m_parameters);
    }

    @Override
    protected boolean hasDialog() {
        return true;
    }

    @Override
    protected NodeDialogPane createNodeDialogPane() {
        return NodeDialogManager.createLegacyFlowVariableNodeDialog(createNodeDialog());
    }

    @Override
    protected int getNrNodeViews() {
        return 0;
    }

    @Override
    public NodeView<M> createNodeView(int index, M model) {
        throw new IndexOutOfBoundsException("MedSeg nodes have no classic views; their outputs have port views");
    }
}
