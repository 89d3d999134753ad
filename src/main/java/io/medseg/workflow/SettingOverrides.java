package io.medseg.workflow;

import java.util.ArrayList;
import java.util.List;

import io.medseg.node.MedSegNode;
import io.medseg.node.NodeRegistry;

/**
 * {@code --set NODE.SETTING=VALUE} on the command line (KNIME's workflow variables for a scheduled run): each names an
 * existing node and one of its type's settings, checked before anything runs; every bad one is reported.
 */
public final class SettingOverrides {
    private SettingOverrides() {
    }

    public static WorkflowDefinition apply(WorkflowDefinition workflow, NodeRegistry registry,
            List<String> assignments) {
        List<String> problems = new ArrayList<>();
        WorkflowDefinition w = workflow;
        for (String a : assignments) {
            int eq = a.indexOf('=');
            PortRef target = eq <= 0 ? null : PortRef.parse(a.substring(0, eq).trim());
            if (target == null) {
                problems.add("--set '" + a + "': expected NODE.SETTING=VALUE, e.g. learner.epochs=5");
                continue;
            }
            WorkflowDefinition.NodeEntry entry = w.node(target.node());
            if (entry == null) {
                problems.add("--set '" + a + "': the workflow has no node '" + target.node() + "'; its nodes are "
                        + w.nodeIds());
                continue;
            }
            MedSegNode node = registry.get(entry.type());
            if (node == null) {
                // the validator reports the unknown type itself
                continue;
            }
            if (!node.settings().has(target.port())) {
                problems.add("--set '" + a + "': node '" + entry.id() + "' (" + entry.type() + ") has no setting '"
                        + target.port() + "'; its settings are " + node.settings().keys());
                continue;
            }
            w = w.with(entry.withSetting(target.port(), a.substring(eq + 1).trim()));
        }
        if (!problems.isEmpty()) {
            throw new WorkflowException(problems);
        }
        return w;
    }
}
