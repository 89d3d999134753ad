package io.medseg.workflow;

import io.medseg.node.ExecutionMonitor;

/** Follows a run node by node (terminal progress bars, tests); node-level events come through ExecutionMonitor. */
public interface RunListener extends ExecutionMonitor {
    /** Node {@code index} (from 0) of {@code total} starts. */
    void nodeStarted(String id, String name, int index, int total);

    void nodeFinished(NodeRun run);
}
