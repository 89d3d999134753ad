package io.medseg.node;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Node types by their type id (what KNIME's plugin.xml node list is to the workbench). */
public final class NodeRegistry {
    private final Map<String, MedSegNode> nodes = new LinkedHashMap<>();

    public NodeRegistry(MedSegNode... nodes) {
        for (MedSegNode n : nodes) {
            if (this.nodes.put(n.type(), n) != null) {
                throw new IllegalArgumentException("duplicate node type " + n.type());
            }
        }
    }

    /** The node type, or null. */
    public MedSegNode get(String type) {
        return nodes.get(type);
    }

    public Collection<MedSegNode> all() {
        return nodes.values();
    }

    /** The type ids as a readable list for "unknown node type" messages. */
    public String types() {
        return String.join(", ", nodes.keySet());
    }
}
