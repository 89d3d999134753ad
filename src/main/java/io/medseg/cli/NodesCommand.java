package io.medseg.cli;

import java.io.PrintWriter;
import java.util.List;

import io.medseg.MedSegException;
import io.medseg.node.MedSegNode;
import io.medseg.node.NodeRegistry;
import io.medseg.node.PortDefinition;
import io.medseg.node.Setting;
import io.medseg.node.nodes.StandardNodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code medseg nodes [TYPE]}: the node types workflow files can use, with their ports and settings, generated from
 * the nodes themselves so the description cannot drift from the code (as KNIME generates node descriptions).
 */
@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = { "List the node types of workflow files, or describe one: its ports and every",
                "setting with its key, default, allowed values and meaning." })
final class NodesCommand extends MedSegCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "TYPE", description = "A node type, e.g."
            + " segmentation-learner.")
    String type;

    @Override
    public Integer call() {
        NodeRegistry registry = StandardNodes.registry();
        PrintWriter out = out();
        if (type == null) {
            for (MedSegNode n : registry.all()) {
                out.printf("%-27s %s%n", n.type(), n.name());
            }
            out.println("(medseg nodes TYPE describes one)");
            return 0;
        }
        MedSegNode n = registry.get(type);
        if (n == null) {
            throw new MedSegException("unknown node type '" + type + "'; types are " + registry.types());
        }
        out.println(n.name() + " (" + n.type() + ")");
        out.println("  " + n.description());
        ports(out, "inputs", n.inputs());
        ports(out, "outputs", n.outputs());
        out.println("settings:");
        for (Setting s : n.settings().settings()) {
            out.printf("  %-18s %s%n", s.key(), s.description());
            out.printf("  %-18s %s; %s%n", "", s.required() ? "required" : "default '" + s.defaultValue() + "'",
                    s.allowed());
        }
        out.flush();
        return 0;
    }

    private static void ports(PrintWriter out, String title, List<PortDefinition> ports) {
        out.println(title + ":" + (ports.isEmpty() ? " none" : ""));
        for (PortDefinition p : ports) {
            out.printf("  %-18s %s%s: %s%n", p.name(), p.kind().label(), p.optional() ? ", optional" : "",
                    p.description());
        }
    }
}
