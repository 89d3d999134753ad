package io.medseg.knime.port;

import java.io.IOException;
import java.util.Set;

import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.CanceledExecutionException;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.ExecutionMonitor;
import org.knime.core.node.InvalidSettingsException;
import org.knime.core.node.port.PortObject;
import org.knime.core.node.port.PortObjectSpec;
import org.knime.core.node.port.PortType;
import org.knime.core.node.port.PortTypeRegistry;

import io.medseg.node.ModelPort;
import io.medseg.node.ModelPortSpec;
import io.medseg.node.PlanPort;
import io.medseg.node.PlanPortSpec;
import io.medseg.node.PortData;
import io.medseg.node.PortDefinition;
import io.medseg.node.PortKind;
import io.medseg.node.PortSpec;
import io.medseg.node.Table;
import io.medseg.node.TableSpec;

/** Engine ports, specs and data as KNIME's and back: one place for every node's translation. */
public final class Ports {
    private Ports() {
    }

    public static PortType type(PortDefinition port) {
        Class<? extends PortObject> cls = switch (port.kind()) {
            case TABLE -> BufferedDataTable.class;
            case MODEL -> ModelPortObject.class;
            case PLAN -> PlanPortObject.class;
        };
        return PortTypeRegistry.getInstance().getPortType(cls, port.optional());
    }

    /** A KNIME spec for an engine spec; null stays null (known only after execution). */
    public static PortObjectSpec toKnime(PortSpec spec, Set<String> imageColumns) {
        if (spec == null) {
            return null;
        }
        if (spec instanceof TableSpec t) {
            return TableSpecs.toKnime(t, imageColumns);
        }
        return spec instanceof ModelPortSpec m ? new ModelPortObjectSpec(m)
                : new PlanPortObjectSpec((PlanPortSpec) spec);
    }

    /** The engine spec of a KNIME spec; null (unconnected, unknown) stays null. */
    public static PortSpec toEngine(PortKind kind, PortObjectSpec spec) {
        if (spec == null) {
            return null;
        }
        return switch (kind) {
            case TABLE -> TableSpecs.toEngine((org.knime.core.data.DataTableSpec) spec);
            case MODEL -> ((ModelPortObjectSpec) spec).engineSpec();
            case PLAN -> ((PlanPortObjectSpec) spec).engineSpec();
        };
    }

    public static PortObject toKnime(PortData data, Set<String> imageColumns, ExecutionContext exec)
            throws IOException, CanceledExecutionException {
        if (data instanceof Table t) {
            return TableRows.toKnime(t, imageColumns, exec);
        }
        return data instanceof ModelPort m ? ModelPortObject.create(m, exec) : new PlanPortObject((PlanPort) data);
    }

    public static PortData toEngine(PortKind kind, PortObject object, ExecutionMonitor exec)
            throws InvalidSettingsException, CanceledExecutionException {
        if (object == null) {
            return null;
        }
        return switch (kind) {
            case TABLE -> TableRows.toEngine((BufferedDataTable) object, exec);
            case MODEL -> ((ModelPortObject) object).engineModel();
            case PLAN -> ((PlanPortObject) object).enginePlan();
        };
    }
}
