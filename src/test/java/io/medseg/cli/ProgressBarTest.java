package io.medseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.medseg.training.EpochRecord;
import io.medseg.training.TrainingHistory;
import io.medseg.training.TrainingProgress;

/** What the console shows, read back from a StringWriter with a synthetic clock for the redraw throttle. */
class ProgressBarTest {
    private static final long MS = 1_000_000L;

    private final StringWriter text = new StringWriter();
    private long now;

    private ProgressBar bar(boolean interactive) {
        return new ProgressBar(new PrintWriter(text), interactive, () -> now);
    }

    private static TrainingProgress progress(int epoch, int iteration, double loss, double eta) {
        return new TrainingProgress(epoch, 10, iteration, 4, epoch * 4L + iteration, 40, loss, 0.0123, eta);
    }

    private static EpochRecord record(int epoch, double validationLoss, double ema) {
        Map<String, Double> dice = new LinkedHashMap<>();
        dice.put("liver", 0.91234);
        dice.put("tumour", Double.NaN);
        return new EpochRecord(epoch, 0.5, validationLoss, dice, 0.91234, ema, 0.0123, 61.25);
    }

    @Test
    void durationsAsHoursMinutesSeconds() {
        assertEquals("0:00:00", ProgressBar.duration(0));
        assertEquals("0:01:05", ProgressBar.duration(64.6));
        assertEquals("2:03:04", ProgressBar.duration(2 * 3600 + 3 * 60 + 4));
        assertEquals("125:00:00", ProgressBar.duration(125 * 3600));
        assertEquals("--:--", ProgressBar.duration(Double.NaN));
        assertEquals("--:--", ProgressBar.duration(Double.POSITIVE_INFINITY));
        assertEquals("--:--", ProgressBar.duration(-1));
    }

    @Test
    void interactiveRedrawsOneLineAtMostFiveTimesASecond() {
        ProgressBar bar = bar(true);
        bar.iteration(progress(0, 1, 1.0, Double.NaN));
        assertEquals("\repoch 1/10 [#######.......................] 1/4 loss 1.0000 lr 1.23e-02 eta --:--",
                text.toString());
        now += 100 * MS;
        bar.iteration(progress(0, 2, 0.5, 3725));
        assertEquals(1, count(text.toString(), '\r'), "redrawn within 200 ms");
        now += 100 * MS;
        bar.iteration(progress(0, 3, 0.0, 3725));
        String last = text.toString().substring(text.toString().lastIndexOf('\r') + 1);
        // the running mean covers the skipped iterations too
        assertEquals("epoch 1/10 [######################........] 3/4 loss 0.5000 lr 1.23e-02 eta 1:02:05", last);
        assertFalse(text.toString().contains("\n"));
    }

    @Test
    void interactiveClearsTheBarBeforeMessagesAndSummaries() {
        ProgressBar bar = bar(true);
        bar.iteration(progress(0, 1, 1.0, 90));
        int barLength = text.toString().length() - 1;
        bar.message("saved checkpoint");
        assertTrue(text.toString().endsWith("\r" + " ".repeat(barLength) + "\rsaved checkpoint" + System.lineSeparator()));
        bar.iteration(progress(0, 2, 1.0, 80)); // drawn at once after the message, although within 200 ms
        bar.epochEnded(record(0, 0.4, 0.5), history(record(0, 0.4, 0.5)));
        String[] lines = text.toString().split(System.lineSeparator());
        assertEquals(2, lines.length);
        assertTrue(lines[1].endsWith("\repoch 1/10  train loss 0.5000  val loss 0.4000  pseudo-Dice liver 0.9123"
                + " tumour nan  EMA 0.5000 (new best)  61.3 s  eta 0:01:20"), lines[1]);
    }

    @Test
    void runningMeanStartsAfreshEachEpoch() {
        ProgressBar bar = bar(true);
        bar.iteration(progress(0, 1, 9.0, 10));
        now += 300 * MS;
        bar.iteration(progress(1, 1, 1.0, 10));
        assertTrue(text.toString().endsWith("1/4 loss 1.0000 lr 1.23e-02 eta 0:00:10"), text.toString());
    }

    @Test
    void nonInteractivePrintsOnlyOneLinePerEpochAndNoCarriageReturn() {
        ProgressBar bar = bar(false);
        bar.message("training on cpu");
        TrainingHistory history = new TrainingHistory();
        for (int epoch = 0; epoch < 2; epoch++) {
            for (int i = 1; i <= 4; i++) {
                now += 500 * MS;
                bar.iteration(progress(epoch, i, 1.0, 100));
            }
            EpochRecord r = record(epoch, Double.NaN, Double.NaN);
            history.add(r);
            bar.epochEnded(r, history);
        }
        String out = text.toString();
        assertFalse(out.contains("\r"));
        String nl = System.lineSeparator();
        assertEquals("training on cpu" + nl + "epoch 1/10  train loss 0.5000  61.3 s  eta 0:01:40" + nl
                + "epoch 2/10  train loss 0.5000  61.3 s  eta 0:01:40" + nl, out);
    }

    @Test
    void onlyAnImprovedMovingAverageIsMarkedBest() {
        ProgressBar bar = bar(false);
        TrainingHistory history = new TrainingHistory();
        double[] ema = { 0.5, 0.4, 0.6 };
        for (int epoch = 0; epoch < ema.length; epoch++) {
            EpochRecord r = record(epoch, 0.3, ema[epoch]);
            history.add(r);
            bar.epochEnded(r, history);
        }
        String[] lines = text.toString().split(System.lineSeparator());
        assertTrue(lines[0].contains("(new best)"));
        assertFalse(lines[1].contains("(new best)"));
        assertTrue(lines[2].contains("(new best)"));
        assertTrue(lines[0].startsWith("epoch 1  "), "without progress the planned epochs are unknown: " + lines[0]);
    }

    private static TrainingHistory history(EpochRecord... records) {
        TrainingHistory h = new TrainingHistory();
        for (EpochRecord r : records) {
            h.add(r);
        }
        return h;
    }

    private static int count(String s, char c) {
        return (int) s.chars().filter(ch -> ch == c).count();
    }
}
