package io.medseg.knime.port;

import javax.swing.JComponent;
import javax.swing.JScrollPane;
import javax.swing.JTextArea;

import org.knime.core.node.CanceledExecutionException;
import org.knime.core.node.ExecutionMonitor;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.ModelContentRO;
import org.knime.core.node.ModelContentWO;
import org.knime.core.node.port.AbstractSimplePortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortType;
import org.knime.core.node.port.PortTypeRegistry;

import io.medseg.MedSegException;
import io.medseg.node.PlanPort;
import io.medseg.preprocessing.PlanFiles;

/**
 * A preprocessing plan on a KNIME port. The plan is small, so it travels as its plan.json text inside the port
 * (no file store) and is parsed and checked by the engine when a downstream node needs it.
 */
public final class PlanPortObject extends AbstractSimplePortObject {
    public static final PortType TYPE = PortTypeRegistry.getInstance().getPortType(PlanPortObject.class);

    /** Registered in plugin.xml (org.knime.core.PortType). */
    public static final class Serializer extends AbstractSimplePortObjectSerializer<PlanPortObject> {
    }

    private PlanPortObjectSpec m_spec;
    private String m_json;
    private String m_summary;

    /** For the serializer. */
    public PlanPortObject() {
    }

    public PlanPortObject(PlanPort plan) {
        m_spec = new PlanPortObjectSpec(plan.spec());
        m_json = PlanFiles.toJson(plan.plan());
        m_summary = plan.summary();
    }

    /**
     * The engine's view of this port. The plan has no file here: the nodes read the plan itself, and only the
     * headless runner's run folder uses the file.
     */
    public PlanPort enginePlan() {
        return new PlanPort(PlanFiles.fromJson(m_json, "the plan port"), null);
    }

    @Override
    public String getSummary() {
        return m_summary;
    }

    @Override
    public PlanPortObjectSpec getSpec() {
        return m_spec;
    }

    @Override
    public JComponent[] getViews() {
        JTextArea text = new JTextArea(m_json);
        text.setEditable(false);
        JScrollPane pane = new JScrollPane(text);
        pane.setName("Plan");
        return new JComponent[] { pane };
    }

    @Override
    protected void save(ModelContentWO model, ExecutionMonitor exec) throws CanceledExecutionException {
        model.addString("plan_json", m_json);
        model.addString("summary", m_summary);
    }

    @Override
    protected void load(ModelContentRO model, PortObjectSpec spec, ExecutionMonitor exec)
            throws InvalidSettingsException, CanceledExecutionException {
        m_spec = (PlanPortObjectSpec) spec;
        m_json = model.getString("plan_json");
        m_summary = model.getString("summary");
        try {
            PlanFiles.fromJson(m_json, "the saved plan port");
        } catch (MedSegException e) {
            throw new InvalidSettingsException(e.getMessage(), e);
        }
    }
}
