package io.medseg.training;

import java.util.Locale;
import java.util.function.Consumer;

import ai.djl.nn.Parameter;
import ai.djl.util.PairList;
import io.medseg.MedSegException;

/**
 * Keeps a non-finite loss or gradient away from the weights and the optimiser state. One NaN reaching an update
 * makes every weight NaN for good (Adam's moments keep it even at learning rate 0), so such a step is skipped instead:
 * the gradients are left for the next step's zeroing, the optimiser is not called (its step count and buffers stay
 * as they were), and the step is counted. The user is told at the first skip; a few skips in a row mean the run cannot
 * recover by itself, and it stops with one line saying so while the last checkpoint on disk is still a good one.
 */
public final class FiniteStepGuard {
    /** Skipped steps in a row after which training stops. */
    public static final int DEFAULT_PATIENCE = 5;

    private final int patience;
    private final Consumer<String> warning;
    private int consecutive;
    private long skipped;

    /** @param warning receives the one message given at the first skipped step */
    public FiniteStepGuard(int patience, Consumer<String> warning) {
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be at least 1, got " + patience);
        }
        this.patience = patience;
        this.warning = warning;
    }

    /**
     * Clips the gradients to {@code maxNorm} and lets {@code optimizer} take the step, unless the loss or the gradient
     * norm is not finite. {@code where} names the step in messages (e.g. "epoch 3 iteration 7").
     *
     * @return true when the step was taken, false when it was skipped
     * @throws MedSegException after {@link #patience} skipped steps in a row
     */
    public boolean step(double loss, PairList<String, Parameter> parameters, double maxNorm, Optimizer optimizer,
            String where) {
        double norm = GradientClipping.clipNorm(parameters, maxNorm);
        if (Double.isFinite(loss) && Double.isFinite(norm)) {
            consecutive = 0;
            optimizer.step(parameters);
            return true;
        }
        skipped++;
        consecutive++;
        String what = String.format(Locale.ROOT, "loss %s, gradient norm %s at %s", loss, norm, where);
        if (consecutive >= patience) {
            throw new MedSegException("training stopped: " + patience + " steps in a row had a non-finite loss or"
                    + " gradient (" + what + "); the weights never took them and the last checkpoint is kept; check"
                    + " the images for NaN or infinite values, or try a lower learning rate");
        }
        if (skipped == 1) {
            warning.accept("warning: skipped a step whose loss or gradient is not finite (" + what + "); such steps"
                    + " leave the weights unchanged and are counted, and " + patience + " in a row stop training");
        }
        return false;
    }

    /** Steps skipped so far. */
    public long skipped() {
        return skipped;
    }
}
