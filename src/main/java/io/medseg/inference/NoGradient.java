package io.medseg.inference;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns PyTorch's autograd recording off for the current thread until closed, then restores what was set. DJL only
 * switches it off on the thread that loaded the engine, and PyTorch's grad mode is per thread, so a prediction on any
 * other thread (a KNIME node, a worker pool) would otherwise record a graph for every forward pass.
 */
final class NoGradient implements AutoCloseable {
    private final boolean previous;

    NoGradient() {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
