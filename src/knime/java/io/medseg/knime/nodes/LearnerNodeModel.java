package io.medseg.knime.nodes;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.knime.core.node.CanceledExecutionException;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.ExecutionMonitor;
import org.knime.core.node.NodeLogger;
import org.knime.core.data.image.png.PNGImageValue;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.image.ImagePortObject;

import io.medseg.io.FileTrees;
import io.medseg.knime.node.EngineSettings;
import io.medseg.knime.node.MedSegNodeModel;
import io.medseg.knime.node.NodeFolders;

/**
 * The learner's model: checkpoints live in the node's checkpoints folder, which survives cancel and reset, so
 * executing again after a cancel continues the interrupted training (the engine resumes when it finds a checkpoint).
 * A finished training's checkpoints are deleted on reset, and so are a cancelled one's when settings other than the
 * device changed, since the engine resumes with the settings it stored.
 */
final class LearnerNodeModel extends MedSegNodeModel<LearnerParameters> {
    private static final NodeLogger LOGGER = NodeLogger.getLogger(LearnerNodeModel.class);
    private static final String STAMP = "knime-settings.txt";
    /** Internals file of the learning curves, so the view shows them again after the workflow is reloaded. */
    private static final String CURVES = "learning-curves.png";
    private boolean m_trained;
    private byte[] m_curves;

    LearnerNodeModel() {
        super(LearnerParameters.TYPE, LearnerParameters.class, Set.of(), true);
    }

    @Override
    protected Path checkpoints() {
        return NodeFolders.checkpoints();
    }

    @Override
    protected PortObject[] execute(PortObject[] in, ExecutionContext exec) throws Exception {
        Path dir = checkpoints();
        Path stamp = dir.resolve(STAMP);
        String settings = resumableSettings();
        if (Files.isRegularFile(stamp) && !Files.readString(stamp).equals(settings)) {
            LOGGER.info("settings changed since the interrupted training: starting afresh");
            FileTrees.delete(dir);
        }
        Files.createDirectories(dir);
        Files.writeString(stamp, settings);
        try {
            PortObject[] out = super.execute(in, exec);
            m_trained = true;
            m_curves = ((PNGImageValue) ((ImagePortObject) out[out.length - 1]).toDataCell()).getImageContent().getByteArray();
            return out;
        } catch (CanceledExecutionException e) {
            setWarningMessage("cancelled: executing again continues from the last checkpoint");
            throw e;
        }
    }

    /** The settings a resumed training keeps (all but the device, which may change between attempts). */
    private String resumableSettings() {
        Map<String, String> texts = new LinkedHashMap<>(EngineSettings.texts(m_parameters));
        texts.remove("device");
        return texts.toString();
    }

    @Override
    protected void reset() {
        super.reset();
        if (m_trained) {
            try {
                FileTrees.delete(checkpoints());
            } catch (IOException | IllegalStateException e) {
                LOGGER.warn("could not delete the learner's checkpoints: " + e.getMessage());
            }
        }
        m_trained = false;
        m_curves = null;
    }

    /** The last execution's learning curves as PNG bytes, null before one. */
    byte[] learningCurves() {
        return m_curves;
    }

    @Override
    protected void loadInternals(File dir, ExecutionMonitor exec) throws IOException {
        m_trained = true; // KNIME loads internals of executed nodes only
        Path curves = dir.toPath().resolve(CURVES);
        m_curves = Files.isRegularFile(curves) ? Files.readAllBytes(curves) : null;
    }

    @Override
    protected void saveInternals(File dir, ExecutionMonitor exec) throws IOException {
        super.saveInternals(dir, exec);
        if (m_curves != null) {
            Files.write(dir.toPath().resolve(CURVES), m_curves);
        }
    }
}
