package io.medseg.knime.port;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;
import java.util.zip.ZipEntry;

import javax.swing.JComponent;
import javax.swing.JLabel;

import org.knime.core.data.filestore.FileStore;
import org.knime.core.data.filestore.FileStorePortObject;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.ExecutionMonitor;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortObjectZipInputStream;
import org.knime.core.node.port.PortObjectZipOutputStream;
import org.knime.core.node.port.PortType;
import org.knime.core.node.port.PortTypeRegistry;

import io.medseg.node.ModelPort;

/**
 * A trained MedSeg model on a KNIME port: the .medseg file lives in a file store, so KNIME saves it with the
 * workflow, deletes it on reset and finds it again after a reload (as its deep-learning network ports do).
 */
public final class ModelPortObject extends FileStorePortObject {
    public static final PortType TYPE = PortTypeRegistry.getInstance().getPortType(ModelPortObject.class);

    /** Registered in plugin.xml; the weights are in the file store, the zip holds only a readable note. */
    public static final class Serializer extends PortObjectSerializer<ModelPortObject> {
        @Override
        public void savePortObject(ModelPortObject po, PortObjectZipOutputStream out, ExecutionMonitor exec)
                throws IOException {
            out.putNextEntry(new ZipEntry("model.txt"));
            out.write(po.getSummary().getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }

        @Override
        public ModelPortObject loadPortObject(PortObjectZipInputStream in, PortObjectSpec spec,
                ExecutionMonitor exec) throws IOException {
            in.getNextEntry();
            return new ModelPortObject((ModelPortObjectSpec) spec);
        }
    }

    private final ModelPortObjectSpec m_spec;

    /** Deserialisation: KNIME attaches the file store afterwards. */
    private ModelPortObject(ModelPortObjectSpec spec) {
        m_spec = spec;
    }

    private ModelPortObject(ModelPortObjectSpec spec, FileStore store) {
        super(List.of(store));
        m_spec = spec;
    }

    /** Copies the engine's model file into a new file store of this node. */
    public static ModelPortObject create(ModelPort model, ExecutionContext exec) throws IOException {
        FileStore store = exec.createFileStore("medseg-model-" + UUID.randomUUID() + ".medseg");
        Files.copy(model.file(), store.getFile().toPath(), StandardCopyOption.REPLACE_EXISTING);
        return new ModelPortObject(new ModelPortObjectSpec(model.spec()), store);
    }

    /** The engine's view of this port: the file store's file with the spec. */
    public ModelPort engineModel() {
        return new ModelPort(getFileStore(0).getFile().toPath(), m_spec.engineSpec());
    }

    @Override
    public String getSummary() {
        var versions = m_spec.engineSpec().versions();
        return m_spec.engineSpec().describe() + (versions == null ? "" : "; " + versions);
    }

    @Override
    public ModelPortObjectSpec getSpec() {
        return m_spec;
    }

    @Override
    public JComponent[] getViews() {
        JLabel label = new JLabel(getSummary());
        label.setName("MedSeg model");
        return new JComponent[] { label };
    }
}
