package io.medseg.node;

import java.util.Map;

/**
 * What is known of a preprocessing plan before it is made: the architecture it plans for and, when the case table
 * says so, the dimensionality, channels and labels (null where unknown).
 */
public record PlanPortSpec(String architecture, Integer dims, Map<String, String> channels, Map<String, String> labels)
        implements PortSpec {
    @Override
    public PortKind kind() {
        return PortKind.PLAN;
    }
}
