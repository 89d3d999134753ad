package io.medseg.knime.node;

import java.util.ArrayList;
import java.util.List;

import org.knime.core.node.CanceledExecutionException;
import org.knime.core.node.ExecutionMonitor;
import org.knime.core.node.NodeLogger;

import io.medseg.node.RunMonitor;

/**
 * The engine's progress, log lines, warnings and cancellation routed to KNIME: progress and status to the node's
 * ExecutionMonitor, lines to NodeLogger, warnings collected for the node's warning message, and KNIME's cancel
 * button read where the engine checks for cancellation.
 */
final class KnimeRunMonitor implements RunMonitor {
    private final ExecutionMonitor exec;
    private final NodeLogger logger;
    private final List<String> warnings = new ArrayList<>();

    KnimeRunMonitor(ExecutionMonitor exec, NodeLogger logger) {
        this.exec = exec;
        this.logger = logger;
    }

    @Override
    public void progress(String nodeId, double fraction, String message) {
        exec.setProgress(fraction, message);
    }

    @Override
    public void message(String nodeId, String text) {
        logger.info(nodeId + ": " + text);
        exec.setMessage(text);
    }

    @Override
    public void warning(String nodeId, String text) {
        logger.warn(nodeId + ": " + text);
        warnings.add(text);
    }

    @Override
    public boolean cancelled() {
        try {
            exec.checkCanceled();
            return false;
        } catch (CanceledExecutionException e) {
            return true;
        }
    }

    /** The warnings as one message for setWarningMessage, or null when there were none. */
    String warningMessage() {
        return warnings.isEmpty() ? null : String.join("\n", warnings);
    }
}
