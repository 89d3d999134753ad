package io.medseg.node;

/**
 * What configure knows about a port's data without running anything (KNIME's PortObjectSpec). A node whose output
 * is only known after execution returns null for that spec; downstream nodes then check what they can.
 */
public sealed interface PortSpec permits TableSpec, ModelPortSpec, PlanPortSpec {
    PortKind kind();
}
