package io.medseg.workflow;

import io.medseg.node.RunMonitor;

/** Follows a run node by node (terminal progress bars, tests); node-level events come through {@link io.medseg.node.RunMonitor}. */
public interface RunListener extends RunMonitor {
    /** Node {@code index} (from 0) of {@code total} starts. */
    void nodeStarted(String id, String name, int index, int total);

    void nodeFinished(NodeRun run);
}
