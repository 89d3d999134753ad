package io.medseg.knime.node;

import java.nio.file.Path;

import org.knime.core.node.workflow.NodeContainer;
import org.knime.core.node.workflow.NodeContext;

/**
 * Where a node's files go: its own folder in the workflow's data area, {@code <workflow>/data/medseg/node_<id>/}
 * (KNIME's place for files that belong to a workflow: it moves, exports and is deleted with it). Path cells point
 * there, so they stay valid after the workflow is saved, closed and reopened, which file stores' temporary
 * locations do not. {@code outputs/} is cleared on reset; {@code checkpoints/} holds the learner's resumable state.
 */
public final class NodeFolders {
    private NodeFolders() {
    }

    /** This node's folder; only inside a node's execution, configure or reset (KNIME's NodeContext). */
    static Path nodeFolder() {
        NodeContext context = NodeContext.getContext();
        if (context == null || context.getNodeContainer() == null) {
            throw new IllegalStateException("MedSeg node folders need a KNIME node context");
        }
        NodeContainer nc = context.getNodeContainer();
        Path workflow = nc.getParent().getProjectWFM().getContextV2().getExecutorInfo().getLocalWorkflowPath();
        // the id without the project's prefix, which differs from session to session
        String id = nc.getID().toString();
        return workflow.resolve("data").resolve("medseg").resolve("node_" + id.substring(id.indexOf(':') + 1)
                .replace(':', '_'));
    }

    public static Path outputs() {
        return nodeFolder().resolve("outputs");
    }

    public static Path checkpoints() {
        return nodeFolder().resolve("checkpoints");
    }
}
