package io.medseg.workflow;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** The outcome of a workflow run. */
public record RunResult(WorkflowDefinition workflow, Path runDir, Status status, Instant started, double seconds,
        List<NodeRun> nodes) {

    /** How a run ended, with the exit status a scheduler acts on. */
    public enum Status {
        SUCCEEDED(0), FAILED(1), INTERNAL_ERROR(3), CANCELLED(130),
        /** Recorded in run.json while nodes are still to come (no exit status yet). */
        RUNNING(-1);

        private final int exitCode;

        Status(int exitCode) {
            this.exitCode = exitCode;
        }

        /** 0 success, 1 a node failed on bad data or settings, 3 an internal error, 130 cancelled (as SIGINT). */
        public int exitCode() {
            return exitCode;
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
    }
}
