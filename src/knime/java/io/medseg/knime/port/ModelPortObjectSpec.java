package io.medseg.knime.port;

import java.util.LinkedHashMap;
import java.util.Map;

import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.ModelContentRO;
import org.knime.core.node.ModelContentWO;
import org.knime.core.node.port.AbstractSimplePortObjectSpec;

import io.medseg.node.ModelPortSpec;
import io.medseg.node.NamedValues;

/**
 * The model port's spec: the engine's {@link ModelPortSpec} (architecture, dims, channels, labels, patch,
 * normalisation, versions) saved as plain entries, so a workflow reopened in KNIME configures its predictor before
 * anything runs. Fields the learner cannot know before training are absent, as they are null in the engine.
 */
public final class ModelPortObjectSpec extends AbstractSimplePortObjectSpec {
    /** Registered in plugin.xml (org.knime.core.PortType). */
    public static final class Serializer extends AbstractSimplePortObjectSpecSerializer<ModelPortObjectSpec> {
    }

    private ModelPortSpec m_spec = new ModelPortSpec(null, null, null, null, null, null, null);

    /** For the serializer. */
    public ModelPortObjectSpec() {
    }

    public ModelPortObjectSpec(ModelPortSpec spec) {
        m_spec = spec;
    }

    public ModelPortSpec engineSpec() {
        return m_spec;
    }

    @Override
    protected void save(ModelContentWO model) {
        ModelPortSpec s = m_spec;
        putIf(model, "architecture", s.architecture());
        if (s.dims() != null) {
            model.addInt("dims", s.dims());
        }
        putIf(model, "channels", s.channels() == null ? null : NamedValues.encode(s.channels()));
        putIf(model, "labels", s.labels() == null ? null : NamedValues.encode(s.labels()));
        if (s.patchSize() != null) {
            model.addLongArray("patch_size", s.patchSize());
        }
        putIf(model, "normalisation", s.normalisation() == null ? null : NamedValues.encode(s.normalisation()));
        putIf(model, "versions", s.versions() == null ? null : NamedValues.encode(s.versions()));
    }

    @Override
    protected void load(ModelContentRO model) throws InvalidSettingsException {
        Map<String, Integer> labels = null;
        Map<String, String> encoded = NamedValues.decode(model.getString("labels", null));
        if (encoded != null) {
            labels = new LinkedHashMap<>();
            for (var e : encoded.entrySet()) {
                labels.put(e.getKey(), Integer.valueOf(e.getValue()));
            }
        }
        m_spec = new ModelPortSpec(model.getString("architecture", null),
                model.containsKey("dims") ? model.getInt("dims") : null,
                NamedValues.decode(model.getString("channels", null)), labels,
                model.containsKey("patch_size") ? model.getLongArray("patch_size") : null,
                NamedValues.decode(model.getString("normalisation", null)),
                NamedValues.decode(model.getString("versions", null)));
    }

    private static void putIf(ModelContentWO model, String key, String value) {
        if (value != null) {
            model.addString(key, value);
        }
    }
}
