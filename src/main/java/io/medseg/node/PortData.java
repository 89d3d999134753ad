package io.medseg.node;

/** The data on a port after execution (KNIME's PortObject); its spec is what configure promised. */
public sealed interface PortData permits Table, ModelPort, PlanPort {
    PortSpec spec();

    /** One line for logs and the report, e.g. "12 rows" or "lightm-unet 2D, 3 labels". */
    String summary();
}
