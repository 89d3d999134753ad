package io.medseg.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import io.medseg.workflow.NodeRun;
import io.medseg.workflow.RunListener;

/**
 * Shows a workflow run on the console: a line per node start and end, the nodes' messages, and, on a terminal, the
 * running node's progress bar redrawn in place (at most five times a second). Without a terminal (logs, CI) the bar
 * is replaced by a progress line every {@value #LOG_INTERVAL_SECONDS} seconds so long nodes still show they live.
 */
final class WorkflowProgress implements RunListener {
    static final long REDRAW_INTERVAL_NANOS = 200_000_000L;
    static final long LOG_INTERVAL_SECONDS = 30;
    private static final int BAR_WIDTH = 24;

    private final PrintWriter out;
    private final boolean interactive;
    private final AtomicBoolean cancel;
    private final LongSupplier clock;
    private String prefix = "";
    private long lastDraw = Long.MIN_VALUE / 2;
    private int lineLength;

    WorkflowProgress(PrintWriter out, boolean interactive, AtomicBoolean cancel, LongSupplier clock) {
        this.out = out;
        this.interactive = interactive;
        this.cancel = cancel;
        this.clock = clock;
    }

    @Override
    public void nodeStarted(String id, String name, int index, int total) {
        prefix = String.format(Locale.ROOT, "[%d/%d] %s", index + 1, total, id);
        println(prefix + " (" + name + ")");
        lastDraw = clock.getAsLong();
    }

    @Override
    public void nodeFinished(NodeRun run) {
        println(String.format(Locale.ROOT, "%s %s in %.1f s%s", prefix, run.status().label(), run.seconds(),
                run.error() == null ? "" : ": " + run.error()));
    }

    @Override
    public void progress(String nodeId, double fraction, String message) {
        long now = clock.getAsLong();
        long interval = interactive ? REDRAW_INTERVAL_NANOS : LOG_INTERVAL_SECONDS * 1_000_000_000L;
        if (now - lastDraw < interval && fraction < 1) {
            return;
        }
        lastDraw = now;
        int filled = (int) Math.round(fraction * BAR_WIDTH);
        String line = String.format(Locale.ROOT, "%s %s %3d%% %s", prefix,
                "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled), Math.round(fraction * 100), message);
        if (interactive) {
            out.print("\r" + line + " ".repeat(Math.max(0, lineLength - line.length())));
            lineLength = line.length();
            out.flush();
        } else {
            println(line);
        }
    }

    @Override
    public void message(String nodeId, String text) {
        println("  " + nodeId + ": " + text);
    }

    @Override
    public void warning(String nodeId, String text) {
        println("  " + nodeId + ": warning: " + text);
    }

    @Override
    public boolean cancelled() {
        return cancel.get();
    }

    private void println(String text) {
        if (interactive && lineLength > 0) {
            out.print("\r" + " ".repeat(lineLength) + "\r");
            lineLength = 0;
        }
        out.println(text);
        out.flush();
    }
}
