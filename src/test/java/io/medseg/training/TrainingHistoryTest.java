package io.medseg.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.google.gson.Gson;
import com.google.gson.JsonParser;

/** The history's files: what the CSV holds, that JSON gives back every value, and which epoch counts as best. */
class TrainingHistoryTest {
    private static final double NAN = Double.NaN;
    private static final double INF = Double.POSITIVE_INFINITY;

    static EpochRecord record(int epoch, double trainLoss, double validationLoss, double liver, double tumour,
            double mean, double ema) {
        Map<String, Double> dice = new LinkedHashMap<>();
        dice.put("liver", liver);
        dice.put("tumour", tumour);
        return new EpochRecord(epoch, trainLoss, validationLoss, dice, mean, ema, 1e-2 * (1 - epoch / 10.0),
                12.5 + epoch);
    }

    private static TrainingHistory sample() {
        TrainingHistory h = new TrainingHistory();
        h.add(record(0, 1.25, INF, 0.5, NAN, 0.5, 0.5));
        h.add(record(1, Double.NEGATIVE_INFINITY, 0.75, 0.625, 0.25, 0.4375, 0.49375));
        h.add(record(2, -0.5, NAN, NAN, NAN, NAN, NAN));
        return h;
    }

    @Test
    void csvHasOneColumnPerLabelAndWritesNonFiniteValuesAsWords() {
        String[] lines = sample().toCsv().split("\n");
        assertEquals(4, lines.length);
        assertEquals("epoch,train_loss,val_loss,pseudo_dice_liver,pseudo_dice_tumour,mean_pseudo_dice,"
                + "ema_pseudo_dice,learning_rate,seconds", lines[0]);
        assertEquals("0,1.25000,inf,0.500000,nan,0.500000,0.500000,0.0100000,12.5000", lines[1]);
        assertEquals("1,-inf,0.750000,0.625000,0.250000,0.437500,0.493750,0.00900000,13.5000", lines[2]);
        assertEquals("2,-0.500000,nan,nan,nan,nan,nan,0.00800000,14.5000", lines[3]);
    }

    @Test
    void jsonRoundTripKeepsEveryValueIncludingNanAndInfinities() {
        TrainingHistory h = sample();
        // a default Gson, as the checkpoint writer uses, drops null members: NaN must survive it
        String text = new Gson().toJson(h.toJson());
        TrainingHistory back = TrainingHistory.fromJson(JsonParser.parseString(text));
        // records compare doubles bit-wise (Double.compare), so NaN equals NaN and -0 differs from 0
        assertEquals(h.records(), back.records());
        assertEquals(List.of("liver", "tumour"), back.labels());
        assertEquals(INF, back.records().get(0).validationLoss());
        assertEquals(Double.NEGATIVE_INFINITY, back.records().get(1).trainLoss());
        assertEquals(NAN, back.records().get(2).emaPseudoDice());
    }

    @Test
    void nullAndMissingNumbersReadAsNan() {
        TrainingHistory h = TrainingHistory.fromJson(JsonParser.parseString("[{\"epoch\": 0, \"train_loss\": 0.5,"
                + " \"val_loss\": null, \"pseudo_dice\": {\"liver\": null}, \"mean_pseudo_dice\": \"nan\","
                + " \"learning_rate\": 0.01, \"seconds\": 3}]"));
        EpochRecord r = h.records().get(0);
        assertEquals(0.5, r.trainLoss());
        assertEquals(NAN, r.validationLoss());
        assertEquals(NAN, r.pseudoDice().get("liver"));
        assertEquals(NAN, r.meanPseudoDice());
        assertEquals(NAN, r.emaPseudoDice());
    }

    @Test
    void bestIsTheHighestMovingAverageIgnoringNan() {
        TrainingHistory h = new TrainingHistory();
        assertNull(h.best());
        h.add(record(0, 1, 1, NAN, NAN, NAN, NAN));
        assertNull(h.best());
        h.add(record(1, 1, 1, 0.2, 0.2, 0.2, 0.2));
        h.add(record(2, 1, 1, 0.9, 0.9, 0.9, 0.6));
        h.add(record(3, 1, 1, 0.1, 0.1, 0.1, 0.5));
        h.add(record(4, 1, 1, NAN, NAN, NAN, NAN));
        assertSame(h.records().get(2), h.best());
    }

    @Test
    void addRefusesAnEpochOutOfSequence() {
        TrainingHistory h = new TrainingHistory();
        assertThrows(IllegalArgumentException.class, () -> h.add(record(1, 1, 1, 0, 0, 0, 0)));
        h.add(record(0, 1, 1, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> h.add(record(0, 1, 1, 0, 0, 0, 0)));
        assertThrows(IllegalArgumentException.class, () -> h.add(record(2, 1, 1, 0, 0, 0, 0)));
        assertEquals(1, h.size());
    }
}
