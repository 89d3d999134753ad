package io.medseg.workflow;

/** A node's port in a connection, written {@code node.port} in workflow files. */
public record PortRef(String node, String port) {
    /** Parses {@code node.port}; null when the text has no dot or an empty part. */
    public static PortRef parse(String text) {
        int dot = text == null ? -1 : text.lastIndexOf('.');
        if (dot <= 0 || dot == text.length() - 1) {
            return null;
        }
        return new PortRef(text.substring(0, dot), text.substring(dot + 1));
    }

    @Override
    public String toString() {
        return node + "." + port;
    }
}
