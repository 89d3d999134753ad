package io.medseg.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

import io.medseg.training.EpochRecord;
import io.medseg.training.TrainingHistory;
import io.medseg.training.TrainingListener;
import io.medseg.training.TrainingProgress;

/**
 * Shows a training run on the console. Interactive (a terminal): one line redrawn in place with {@code \r} showing
 * the epoch, a bar of the epoch's iterations, the running mean loss, the rate and the ETA. Not interactive (a log
 * file, CI): no {@code \r} and no per-iteration output, so logs hold only the per-epoch summary lines. Epochs are shown
 * counted from 1 ("epoch 1/100"), while the history files count from 0 as nnU-Net does.
 */
class ProgressBar implements TrainingListener {
    /** At most five redraws a second: faster is unreadable and, over SSH, costs more than the training step. */
    static final long REDRAW_INTERVAL_NANOS = 200_000_000L;
    private static final int BAR_WIDTH = 30;

    private final PrintWriter out;
    private final boolean interactive;
    private final LongSupplier clock;
    private boolean drawn;
    private long lastDraw;
    private int lineLength;
    private int lossEpoch = -1;
    private double lossSum;
    private int lossCount;
    private TrainingProgress last;

    ProgressBar(PrintWriter out, boolean interactive) {
        this(out, interactive, System::nanoTime);
    }

    /** @param clock nanosecond readings for the redraw throttle (tests pass a synthetic one) */
    ProgressBar(PrintWriter out, boolean interactive, LongSupplier clock) {
        this.out = out;
        this.interactive = interactive;
        this.clock = clock;
    }

    @Override
    public void message(String text) {
        clearBar();
        out.println(text);
        out.flush();
    }

    @Override
    public void iteration(TrainingProgress progress) {
        if (progress.epoch() != lossEpoch) {
            lossEpoch = progress.epoch();
            lossSum = 0;
            lossCount = 0;
        }
        // a diverged step (NaN loss) would hide every later value of the running mean; it shows in the epoch summary
        if (Double.isFinite(progress.loss())) {
            lossSum += progress.loss();
            lossCount++;
        }
        last = progress;
        if (!interactive) {
            return;
        }
        long now = clock.getAsLong();
        if (drawn && now - lastDraw < REDRAW_INTERVAL_NANOS) {
            return;
        }
        String line = barLine(progress, lossCount == 0 ? Double.NaN : lossSum / lossCount);
        // pad over the rest of a longer previous line, which \r alone leaves on screen
        out.print("\r" + line + " ".repeat(Math.max(0, lineLength - line.length())));
        out.flush();
        lineLength = line.length();
        lastDraw = now;
        drawn = true;
    }

    @Override
    public void epochEnded(EpochRecord record, TrainingHistory history) {
        clearBar();
        out.println(summaryLine(record, history));
        out.flush();
    }

    /** {@code h:mm:ss} (hours unbounded), or {@code --:--} when the duration is unknown (NaN, infinite, negative). */
    static String duration(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            return "--:--";
        }
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    private String barLine(TrainingProgress p, double meanLoss) {
        int filled = p.iterationsPerEpoch() <= 0 ? 0
                : (int) Math.min(BAR_WIDTH, (long) p.iteration() * BAR_WIDTH / p.iterationsPerEpoch());
        return String.format(Locale.ROOT, "epoch %d/%d [%s%s] %d/%d loss %s lr %.2e eta %s", p.epoch() + 1, p.epochs(),
                "#".repeat(filled), ".".repeat(BAR_WIDTH - filled), p.iteration(), p.iterationsPerEpoch(),
                number(meanLoss), p.learningRate(), duration(p.etaSeconds()));
    }

    private String summaryLine(EpochRecord r, TrainingHistory history) {
        StringBuilder sb = new StringBuilder("epoch ").append(r.epoch() + 1);
        if (last != null) {
            sb.append('/').append(last.epochs());
        }
        sb.append("  train loss ").append(number(r.trainLoss()));
        // without validation cases every validation number is NaN; leaving them out keeps the line short
        if (!Double.isNaN(r.validationLoss())) {
            sb.append("  val loss ").append(number(r.validationLoss())).append("  pseudo-Dice");
            for (Map.Entry<String, Double> e : r.pseudoDice().entrySet()) {
                sb.append(' ').append(e.getKey()).append(' ').append(number(e.getValue()));
            }
            sb.append("  EMA ").append(number(r.emaPseudoDice()));
            if (r.equals(history.best())) {
                sb.append(" (new best)");
            }
        }
        sb.append("  ").append(String.format(Locale.ROOT, "%.1f s", r.seconds()));
        if (last != null && last.epoch() == r.epoch() && r.epoch() + 1 < last.epochs()) {
            sb.append("  eta ").append(duration(last.etaSeconds()));
        }
        return sb.toString();
    }

    private void clearBar() {
        if (drawn) {
            out.print("\r" + " ".repeat(lineLength) + "\r");
            drawn = false;
            lineLength = 0;
        }
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "nan" : String.format(Locale.ROOT, "%.4f", v);
    }
}
