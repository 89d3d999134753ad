package io.medseg.node;

/**
 * Receives what executing nodes report (KNIME's ExecutionMonitor side seen from outside): the workflow runner's
 * terminal progress, a KNIME adapter's ExecutionContext, a test's recorder. Called on the executing thread.
 */
public interface RunMonitor {
    /** Progress in [0, 1] of node {@code nodeId}, with a short status such as "epoch 3/10, iteration 4/20". */
    void progress(String nodeId, double fraction, String message);

    /** A line worth keeping in the log (device chosen, epoch summary). */
    void message(String nodeId, String text);

    /** Something the user should know that did not stop the node (KNIME's warning message). */
    void warning(String nodeId, String text);

    /** Whether the run should stop (Ctrl-C, KNIME's cancel button). */
    boolean cancelled();
}
