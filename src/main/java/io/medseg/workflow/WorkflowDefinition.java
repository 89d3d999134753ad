package io.medseg.workflow;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A workflow as written in its JSON file: nodes with ids, types and settings (as text), and connections from an
 * output port to an input port (KNIME's workflow.knime, in a form people write by hand).
 */
public record WorkflowDefinition(String name, String description, List<NodeEntry> nodes,
        List<Connection> connections) {

    /** One node: a unique id (also its folder in the run folder), a node type and its settings. */
    public record NodeEntry(String id, String type, Map<String, String> settings) {
        public NodeEntry {
            settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        }

        public NodeEntry withSetting(String key, String value) {
            Map<String, String> s = new LinkedHashMap<>(settings);
            s.put(key, value);
            return new NodeEntry(id, type, s);
        }
    }

    /** An output port feeding an input port. */
    public record Connection(PortRef from, PortRef to) {
    }

    public WorkflowDefinition {
        nodes = List.copyOf(nodes);
        connections = List.copyOf(connections);
    }

    /** The node entry with this id, or null. */
    public NodeEntry node(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst().orElse(null);
    }

    public String nodeIds() {
        return String.join(", ", nodes.stream().map(NodeEntry::id).toList());
    }

    /** This workflow with one node replaced (same id). */
    public WorkflowDefinition with(NodeEntry entry) {
        return new WorkflowDefinition(name, description,
                nodes.stream().map(n -> n.id().equals(entry.id()) ? entry : n).toList(), connections);
    }
}
