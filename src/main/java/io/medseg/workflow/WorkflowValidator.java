package io.medseg.workflow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.medseg.MedSegException;
import io.medseg.node.MedSegNode;
import io.medseg.node.NodeRegistry;
import io.medseg.node.SettingValues;
import io.medseg.node.PortDefinition;
import io.medseg.node.PortSpec;

/**
 * Checks a whole workflow before anything runs and reports every problem at once: node ids and types, connections
 * (ports exist, kinds match, each input fed once, required inputs fed, no cycles), every node's settings, and then
 * configure on every node in order, so incompatible inputs are found too. A node downstream of a node that could not
 * be configured is not configured itself (its problems would only echo the upstream one).
 */
public final class WorkflowValidator {
    private final NodeRegistry registry;

    public WorkflowValidator(NodeRegistry registry) {
        this.registry = registry;
    }

    /** The configured workflow, or a {@link WorkflowException} listing every problem. */
    public ConfiguredWorkflow validate(WorkflowDefinition w) {
        List<String> problems = new ArrayList<>();
        if (w.nodes().isEmpty()) {
            problems.add("the workflow has no nodes");
        }
        Map<String, MedSegNode> types = new LinkedHashMap<>();
        for (WorkflowDefinition.NodeEntry n : w.nodes()) {
            if (!n.id().matches("[A-Za-z0-9][A-Za-z0-9_-]*")) {
                problems.add("node id '" + n.id() + "': use letters, digits, '-' and '_' (it names the node's folder)");
            } else if (types.containsKey(n.id()) || n.id().equals(RunFolder.CHECKPOINTS)) {
                problems.add("node id '" + n.id() + "' is used twice or reserved; ids must be unique");
            }
            MedSegNode node = registry.get(n.type());
            if (node == null) {
                problems.add("node '" + n.id() + "': unknown type '" + n.type() + "'; types are " + registry.types());
            } else {
                types.putIfAbsent(n.id(), node);
            }
        }
        Map<String, PortRef[]> inputs = connect(w, types, problems);
        List<String> order = order(w, inputs, problems);
        Map<String, SettingValues> settings = new HashMap<>();
        for (WorkflowDefinition.NodeEntry n : w.nodes()) {
            MedSegNode node = types.get(n.id());
            if (node != null) {
                SettingValues s = node.settings().resolve(n.id(), n.settings(), problems);
                if (s != null) {
                    settings.put(n.id(), s);
                }
            }
        }
        List<ConfiguredWorkflow.Step> steps = new ArrayList<>();
        Map<String, List<PortSpec>> specs = new HashMap<>();
        for (String id : order) {
            MedSegNode node = types.get(id);
            PortRef[] sources = inputs.get(id);
            if (node == null || sources == null || !settings.containsKey(id)) {
                continue;
            }
            List<PortSpec> in = new ArrayList<>();
            boolean upstreamOk = true;
            boolean known = true;
            for (PortRef src : sources) {
                if (src == null) {
                    in.add(null); // an optional port left unconnected: null, as KNIME passes it
                } else if (!specs.containsKey(src.node())) {
                    upstreamOk = false;
                } else {
                    PortSpec spec = specs.get(src.node()).get(outputIndex(types.get(src.node()), src.port()));
                    known &= spec != null;
                    in.add(spec);
                }
            }
            if (!upstreamOk) {
                continue;
            }
            if (!known) {
                // A connected input whose spec is known only after execution: like KNIME, the node is configured
                // when its inputs exist (the runner configures every node again before executing it), so that a
                // null spec always means "not connected"; its settings were already checked when resolved.
                List<PortSpec> unknown = Arrays.asList(new PortSpec[node.outputs().size()]);
                specs.put(id, unknown);
                steps.add(new ConfiguredWorkflow.Step(id, node, settings.get(id), Arrays.asList(sources), unknown));
                continue;
            }
            try {
                List<PortSpec> out = node.configure(in, settings.get(id));
                specs.put(id, out);
                steps.add(new ConfiguredWorkflow.Step(id, node, settings.get(id), Arrays.asList(sources), out));
            } catch (MedSegException e) {
                problems.add(e.getMessage());
            } catch (RuntimeException e) {
                problems.add("node '" + id + "': configure failed (" + e + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new WorkflowException(problems);
        }
        return new ConfiguredWorkflow(w, steps);
    }

    /** For each node, the source of each of its input ports (null = unconnected). */
    private static Map<String, PortRef[]> connect(WorkflowDefinition w, Map<String, MedSegNode> types,
            List<String> problems) {
        Map<String, PortRef[]> inputs = new LinkedHashMap<>();
        types.forEach((id, node) -> inputs.put(id, new PortRef[node.inputs().size()]));
        for (WorkflowDefinition.Connection c : w.connections()) {
            String where = "connection " + c.from() + " -> " + c.to();
            MedSegNode from = types.get(c.from().node());
            MedSegNode to = types.get(c.to().node());
            if (w.node(c.from().node()) == null || w.node(c.to().node()) == null) {
                problems.add(where + ": no node '" + (w.node(c.from().node()) == null ? c.from().node()
                        : c.to().node()) + "'; nodes are " + w.nodeIds());
                continue;
            }
            if (from == null || to == null) {
                continue; // unknown type, reported already
            }
            int out = outputIndex(from, c.from().port());
            int in = inputIndex(to, c.to().port());
            if (out < 0) {
                problems.add(where + ": node '" + c.from().node() + "' has no output '" + c.from().port()
                        + "'; its outputs are " + names(from.outputs()));
            }
            if (in < 0) {
                problems.add(where + ": node '" + c.to().node() + "' has no input '" + c.to().port()
                        + "'; its inputs are " + names(to.inputs()));
            }
            if (out < 0 || in < 0) {
                continue;
            }
            var outKind = from.outputs().get(out).kind();
            var inKind = to.inputs().get(in).kind();
            if (outKind != inKind) {
                problems.add(where + ": a " + outKind.label() + " output cannot feed a " + inKind.label() + " input");
            } else if (inputs.get(c.to().node())[in] != null) {
                problems.add(where + ": input '" + c.to() + "' is already fed by " + inputs.get(c.to().node())[in]);
            } else {
                inputs.get(c.to().node())[in] = c.from();
            }
        }
        inputs.forEach((id, sources) -> {
            List<PortDefinition> defs = types.get(id).inputs();
            for (int i = 0; i < sources.length; i++) {
                if (sources[i] == null && !defs.get(i).optional()) {
                    problems.add("node '" + id + "': required input '" + defs.get(i).name() + "' ("
                            + defs.get(i).kind().label() + ") is not connected");
                }
            }
        });
        return inputs;
    }

    /** Node ids in an order where every node comes after its sources (file order among independent nodes). */
    private static List<String> order(WorkflowDefinition w, Map<String, PortRef[]> inputs, List<String> problems) {
        List<String> order = new ArrayList<>();
        List<String> pending = new ArrayList<>(inputs.keySet());
        while (!pending.isEmpty()) {
            String next = null;
            for (String id : pending) {
                boolean ready = Arrays.stream(inputs.get(id))
                        .allMatch(src -> src == null || order.contains(src.node()) || !inputs.containsKey(src.node()));
                if (ready) {
                    next = id;
                    break;
                }
            }
            if (next == null) {
                problems.add("the connections form a cycle through nodes " + String.join(", ", pending));
                break;
            }
            order.add(next);
            pending.remove(next);
        }
        return order;
    }

    static int outputIndex(MedSegNode node, String port) {
        return index(node.outputs(), port);
    }

    static int inputIndex(MedSegNode node, String port) {
        return index(node.inputs(), port);
    }

    private static int index(List<PortDefinition> ports, String name) {
        for (int i = 0; i < ports.size(); i++) {
            if (ports.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String names(List<PortDefinition> ports) {
        return ports.isEmpty() ? "(none)" : String.join(", ", ports.stream().map(PortDefinition::name).toList());
    }
}
