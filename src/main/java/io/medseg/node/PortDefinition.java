package io.medseg.node;

/**
 * One input or output port of a node type.
 *
 * @param name        stable name used in workflow connections ({@code node.port})
 * @param kind        what it carries
 * @param optional    an input that may stay unconnected (outputs are never optional)
 * @param description one sentence for help texts
 */
public record PortDefinition(String name, PortKind kind, boolean optional, String description) {
    public static PortDefinition required(String name, PortKind kind, String description) {
        return new PortDefinition(name, kind, false, description);
    }

    public static PortDefinition optional(String name, PortKind kind, String description) {
        return new PortDefinition(name, kind, true, description);
    }
}
