package io.medseg.training;

/**
 * Estimates the seconds a training run still needs from how long its iterations took: the mean duration of the most
 * recent iterations (a window, so the estimate follows a machine that slows down or speeds up) times the iterations
 * left, plus the mean per-epoch overhead (validation, checkpointing) times the epochs left.
 * <p>
 * The very first timed iteration of the estimator is dropped once a second one has been timed: it carries the
 * one-off costs (JIT compilation, cuDNN autotuning, the data loader filling its queue) and would inflate the estimate
 * for a whole window. Times come in as {@link System#nanoTime()} readings passed by the caller, so tests can drive a
 * synthetic clock.
 */
public final class EtaEstimator {
    /** 50 iterations: a fifth of an nnU-Net epoch, long enough to average out data-loader jitter. */
    public static final int DEFAULT_WINDOW = 50;

    private final long[] durations;
    private int count;
    private int next;
    private long sum;
    private boolean warmUpDropped;
    private boolean marked;
    private long mark;
    private double overheadSeconds;
    private int overheadEpochs;

    public EtaEstimator() {
        this(DEFAULT_WINDOW);
    }

    /** @param window how many recent iterations the mean duration is taken over */
    public EtaEstimator(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        durations = new long[window];
    }

    /**
     * Marks the start of an epoch's first iteration. The time since the previous reading (validation, checkpoint
     * writing, which {@link #epochOverhead} accounts for) is thereby not taken as an iteration's duration.
     */
    public void epochStarted(long nanosNow) {
        mark = nanosNow;
        marked = true;
    }

    /**
     * An iteration finished at {@code nanosNow}; it took the time since the previous iteration or
     * {@link #epochStarted}. Without either there is nothing to measure from, so this reading only starts the clock.
     */
    public void iterationDone(long nanosNow) {
        if (marked) {
            record(nanosNow - mark);
        }
        mark = nanosNow;
        marked = true;
    }

    /** The work an epoch does after its iterations (validation, checkpointing) took {@code seconds}. */
    public void epochOverhead(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("epoch overhead must be finite and non-negative, got " + seconds);
        }
        overheadSeconds += seconds;
        overheadEpochs++;
    }

    /** Mean seconds per iteration over the window; NaN until an iteration after the warm-up one has been timed. */
    public double secondsPerIteration() {
        if (count == 0 || !warmUpDropped && count == 1) {
            return Double.NaN;
        }
        return sum / 1e9 / count;
    }

    /**
     * Seconds until the run ends.
     *
     * @param iterationsLeft optimiser steps still to run
     * @param epochsLeft     epochs whose end-of-epoch work (validation) is still to come, the current one included
     * @return the estimate, 0 when nothing is left, NaN while no iteration speed is known; before the first epoch
     *         has reported its overhead the overhead counts as 0
     */
    public double etaSeconds(long iterationsLeft, int epochsLeft) {
        if (iterationsLeft < 0 || epochsLeft < 0) {
            throw new IllegalArgumentException("negative work left: " + iterationsLeft + " iterations, " + epochsLeft
                    + " epochs");
        }
        double overhead = overheadEpochs == 0 ? 0 : overheadSeconds / overheadEpochs;
        if (iterationsLeft == 0) {
            return epochsLeft * overhead;
        }
        return iterationsLeft * secondsPerIteration() + epochsLeft * overhead;
    }

    private void record(long nanos) {
        if (!warmUpDropped && count == 1) {
            // the second timing arrives: forget the warm-up one (slot 0) and start the window afresh
            sum = 0;
            count = 0;
            next = 0;
            warmUpDropped = true;
        }
        if (count == durations.length) {
            sum -= durations[next];
        } else {
            count++;
        }
        durations[next] = nanos;
        sum += nanos;
        next = (next + 1) % durations.length;
    }
}
