package io.medseg.node.nodes;

import io.medseg.node.RunMonitor;

/** A monitor for node tests that only execute: progress, messages and warnings are dropped, nothing cancels. */
final class QuietMonitor implements RunMonitor {
    static final RunMonitor INSTANCE = new QuietMonitor();

    private QuietMonitor() {
    }

    @Override
    public void progress(String nodeId, double fraction, String message) {
    }

    @Override
    public void message(String nodeId, String text) {
    }

    @Override
    public void warning(String nodeId, String text) {
    }

    @Override
    public boolean cancelled() {
        return false;
    }
}
