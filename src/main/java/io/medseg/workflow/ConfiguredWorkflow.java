package io.medseg.workflow;

import java.util.List;

import io.medseg.node.MedSegNode;
import io.medseg.node.SettingValues;
import io.medseg.node.PortSpec;

/**
 * A workflow that passed validation: its nodes in execution order, each with its node type, resolved settings,
 * where each input comes from and the specs configure promised.
 */
public record ConfiguredWorkflow(WorkflowDefinition definition, List<Step> steps) {
    /**
     * @param inputs one source per input port, null for an unconnected optional input
     * @param outputSpecs configure's output specs (null entries: known only after execution)
     */
    public record Step(String id, MedSegNode node, SettingValues settings, List<PortRef> inputs, List<PortSpec> outputSpecs) {
    }

    public ConfiguredWorkflow {
        steps = List.copyOf(steps);
    }
}
