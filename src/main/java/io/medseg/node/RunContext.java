package io.medseg.node;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * What one node's execution gets (KNIME's ExecutionContext): progress, cancellation and warnings routed to an
 * {@link RunMonitor}, the folder its output files go to, a folder for resumable state, and the images it wants
 * shown in the run report.
 */
public final class RunContext {
    private final String nodeId;
    private final RunMonitor monitor;
    private final Path outputDir;
    private final Path checkpointDir;
    private final List<String> warnings = new ArrayList<>();
    private final List<ReportImage> images = new ArrayList<>();

    /** A PNG in the output folder shown in the report with a caption. */
    public record ReportImage(Path file, String caption) {
    }

    /**
     * @param outputDir     where the node's outputs go; the runner publishes it only when execute returns, so a
     *                      cancelled or failed node leaves nothing half-written
     * @param checkpointDir where a long-running node keeps state that survives a cancel (training checkpoints)
     */
    public RunContext(String nodeId, RunMonitor monitor, Path outputDir, Path checkpointDir) {
        this.nodeId = nodeId;
        this.monitor = monitor;
        this.outputDir = outputDir;
        this.checkpointDir = checkpointDir;
    }

    public String nodeId() {
        return nodeId;
    }

    public Path outputDir() {
        return outputDir;
    }

    public Path checkpointDir() {
        return checkpointDir;
    }

    public void setProgress(double fraction, String message) {
        monitor.progress(nodeId, Math.max(0, Math.min(1, fraction)), message);
    }

    public void message(String text) {
        monitor.message(nodeId, text);
    }

    public void warn(String text) {
        warnings.add(text);
        monitor.warning(nodeId, text);
    }

    public boolean isCancelled() {
        return monitor.cancelled();
    }

    /** Throws when the run was cancelled; nodes call it between cases, batches and files. */
    public void checkCancelled() {
        if (monitor.cancelled()) {
            throw new CancellationException("cancelled");
        }
    }

    /** Shows {@code png} (a file this node wrote into its output folder) in the run report. */
    public void addReportImage(Path png, String caption) {
        images.add(new ReportImage(png, caption));
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    public List<ReportImage> reportImages() {
        return List.copyOf(images);
    }
}
