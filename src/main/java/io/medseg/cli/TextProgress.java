package io.medseg.cli;

import java.io.PrintWriter;
import java.util.Locale;

import io.medseg.training.EpochRecord;
import io.medseg.training.TrainingHistory;
import io.medseg.training.TrainingListener;

/** Plain line-per-epoch progress, until the interactive progress bar lands. */
final class TextProgress implements TrainingListener {
    private final PrintWriter out;

    TextProgress(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void message(String text) {
        out.println(text);
        out.flush();
    }

    @Override
    public void epochEnded(EpochRecord r, TrainingHistory history) {
        out.printf(Locale.ROOT, "epoch %d: train %.4f val %.4f dice %s ema %.4f lr %.2e %.1f s%n", r.epoch(),
                r.trainLoss(), r.validationLoss(), r.pseudoDice(), r.emaPseudoDice(), r.learningRate(), r.seconds());
        out.flush();
    }
}
