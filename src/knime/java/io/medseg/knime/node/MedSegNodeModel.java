package io.medseg.knime.node;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

import org.knime.core.data.image.png.PNGImageContent;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.ExecutionMonitor;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.NodeLogger;
import org.knime.core.node.NodeModel;
import org.knime.core.node.NodeSettingsRO;
import org.knime.core.node.NodeSettingsWO;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortType;
import org.knime.core.node.port.image.ImagePortObject;
import org.knime.core.node.port.image.ImagePortObjectSpec;
import org.knime.core.webui.node.dialog.defaultdialog.NodeParametersUtil;
import org.knime.node.parameters.NodeParameters;

import io.medseg.io.FileTrees;
import io.medseg.knime.port.Ports;

/**
 * The one classic NodeModel behind every MedSeg node that writes files: settings from its NodeParameters class,
 * configure and execute through {@link EngineCall}, outputs in the node's folder of the workflow data area (cleared
 * on reset). With {@code imagePort} the node gets one more output, an image port with the first picture the engine
 * made for the report (the learner's learning curves).
 */
public class MedSegNodeModel<P extends NodeParameters> extends NodeModel {
    private static final NodeLogger LOGGER = NodeLogger.getLogger(MedSegNodeModel.class);
    protected final EngineCall m_call;
    private final Class<P> m_parametersClass;
    private final boolean m_imagePort;
    protected P m_parameters;

    public MedSegNodeModel(String type, Class<P> parametersClass, Set<String> imageColumns, boolean imagePort) {
        this(new EngineCall(type, imageColumns), parametersClass, imagePort);
    }

    private MedSegNodeModel(EngineCall call, Class<P> parametersClass, boolean imagePort) {
        super(call.node().inputs().stream().map(Ports::type).toArray(PortType[]::new),
                outputTypes(call, imagePort));
        m_call = call;
        m_parametersClass = parametersClass;
        m_imagePort = imagePort;
        m_parameters = NodeParametersUtil.createSettings(parametersClass);
    }

    static PortType[] outputTypes(EngineCall call, boolean imagePort) {
        PortType[] types = call.node().outputs().stream().map(Ports::type).toArray(PortType[]::new);
        if (imagePort) {
            types = Arrays.copyOf(types, types.length + 1);
            types[types.length - 1] = ImagePortObject.TYPE;
        }
        return types;
    }

    @Override
    protected PortObjectSpec[] configure(PortObjectSpec[] inSpecs) throws InvalidSettingsException {
        return withImage(m_call.configure(inSpecs, m_parameters), new ImagePortObjectSpec(PNGImageContent.TYPE));
    }

    @Override
    protected PortObject[] execute(PortObject[] in, ExecutionContext exec) throws Exception {
        Path outputs = NodeFolders.outputs();
        FileTrees.delete(outputs);
        Files.createDirectories(outputs);
        EngineCall.Result result = m_call.execute(in, m_parameters, exec, outputs, checkpoints());
        if (result.warning() != null) {
            setWarningMessage(result.warning());
        }
        if (!m_imagePort) {
            return result.outputs();
        }
        if (result.images().isEmpty()) {
            throw new IllegalStateException(m_call.node().name() + " made no picture for its image port");
        }
        byte[] png = Files.readAllBytes(result.images().get(0).file());
        return withImage(result.outputs(), new ImagePortObject(new PNGImageContent(png),
                new ImagePortObjectSpec(PNGImageContent.TYPE)));
    }

    /** Where the engine keeps resumable state; nodes without any get a folder that reset clears with the rest. */
    protected Path checkpoints() {
        return NodeFolders.outputs().resolve(".state");
    }

    @SuppressWarnings("unchecked")
    private <T> T[] withImage(T[] outputs, T image) {
        if (!m_imagePort) {
            return outputs;
        }
        T[] all = Arrays.copyOf(outputs, outputs.length + 1);
        all[outputs.length] = image;
        return all;
    }

    @Override
    protected void reset() {
        try {
            FileTrees.delete(NodeFolders.outputs());
        } catch (IOException | IllegalStateException e) {
            LOGGER.warn("could not delete the outputs of " + m_call.node().name() + ": " + e.getMessage());
        }
    }

    @Override
    protected void saveSettingsTo(NodeSettingsWO settings) {
        NodeParametersUtil.saveSettings(m_parametersClass, m_parameters, settings);
    }

    @Override
    protected void validateSettings(NodeSettingsRO settings) throws InvalidSettingsException {
        NodeParametersUtil.loadSettings(settings, m_parametersClass).validate();
    }

    @Override
    protected void loadValidatedSettingsFrom(NodeSettingsRO settings) throws InvalidSettingsException {
        m_parameters = NodeParametersUtil.loadSettings(settings, m_parametersClass);
    }

    @Override
    protected void loadInternals(File dir, ExecutionMonitor exec) throws IOException {
        // the outputs live in the workflow data area, which KNIME saves with the workflow
    }

    @Override
    protected void saveInternals(File dir, ExecutionMonitor exec) throws IOException {
        // as loadInternals
    }
}
