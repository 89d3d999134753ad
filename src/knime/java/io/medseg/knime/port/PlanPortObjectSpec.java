package io.medseg.knime.port;

import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.ModelContentRO;
import org.knime.core.node.ModelContentWO;
import org.knime.core.node.port.AbstractSimplePortObjectSpec;

import io.medseg.node.NamedValues;
import io.medseg.node.PlanPortSpec;

/** The plan port's spec: the engine's {@link PlanPortSpec} (architecture, dims, channels, labels when known). */
public final class PlanPortObjectSpec extends AbstractSimplePortObjectSpec {
    /** Registered in plugin.xml (org.knime.core.PortType). */
    public static final class Serializer extends AbstractSimplePortObjectSpecSerializer<PlanPortObjectSpec> {
    }

    private PlanPortSpec m_spec = new PlanPortSpec(null, null, null, null);

    /** For the serializer. */
    public PlanPortObjectSpec() {
    }

    public PlanPortObjectSpec(PlanPortSpec spec) {
        m_spec = spec;
    }

    public PlanPortSpec engineSpec() {
        return m_spec;
    }

    @Override
    protected void save(ModelContentWO model) {
        if (m_spec.architecture() != null) {
            model.addString("architecture", m_spec.architecture());
        }
        if (m_spec.dims() != null) {
            model.addInt("dims", m_spec.dims());
        }
        if (m_spec.channels() != null) {
            model.addString("channels", NamedValues.encode(m_spec.channels()));
        }
        if (m_spec.labels() != null) {
            model.addString("labels", NamedValues.encode(m_spec.labels()));
        }
    }

    @Override
    protected void load(ModelContentRO model) throws InvalidSettingsException {
        m_spec = new PlanPortSpec(model.getString("architecture", null),
                model.containsKey("dims") ? model.getInt("dims") : null,
                NamedValues.decode(model.getString("channels", null)),
                NamedValues.decode(model.getString("labels", null)));
    }
}
