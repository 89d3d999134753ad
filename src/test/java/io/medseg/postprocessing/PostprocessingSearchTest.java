package io.medseg.postprocessing;

import static io.medseg.postprocessing.PostprocessingTest.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** nnU-Net's postprocessing rules on hand-built cases whose Dice values are worked out in the comments. */
class PostprocessingSearchTest {
    private static final int[] SHAPE = { 7, 6 };

    /** An organ ring around a lesion, a stray 1-voxel lesion at the right and a 6-voxel organ island below. */
    private static final short[] PREDICTION = labels(
            "1111000",
            "1221002",
            "1111000",
            "0000000",
            "0001110",
            "0001110");

    /** The reference without the prediction's stray lesion and island. */
    private static final short[] CLEAN_REFERENCE = labels(
            "1111000",
            "1221000",
            "1111000",
            "0000000",
            "0000000",
            "0000000");

    private static PostprocessingSearch search() {
        return new PostprocessingSearch(List.of(1, 2), (short) 0);
    }

    @Test
    void keepsTheLargestForegroundWhenItHelpsAndHurtsNoLabel() {
        PostprocessingSearch s = search();
        // the stray lesion and the island are both false positives
        s.add(PREDICTION, CLEAN_REFERENCE, SHAPE);
        PostprocessingSearch.Decision d = s.decide();
        // raw: organ 2*10/(16+10) = 0.769, lesion 2*2/(3+2) = 0.8; largest foreground: both 1
        assertEquals(new Postprocessing(true, List.of()), d.postprocessing());
        assertEquals(20.0 / 26, d.before().get(1), 1e-12);
        assertEquals(0.8, d.before().get(2), 1e-12);
        assertEquals(1.0, d.after().get(1), 1e-12);
        assertEquals(1.0, d.after().get(2), 1e-12);
        assertEquals((20.0 / 26 + 0.8) / 2, d.foregroundBefore(), 1e-12);
        assertEquals(1.0, d.foregroundAfter(), 1e-12);
    }

    @Test
    void aForegroundStepThatHurtsOneLabelIsRefusedAndLabelStepsAreTriedAlone() {
        PostprocessingSearch s = search();
        // here the stray lesion is real: the foreground step would raise the mean foreground Dice (organ 0.769 -> 1,
        // lesion 1 -> 0.8: mean 0.885 -> 0.9) but lower the lesion's, so nnU-Net's rule refuses it; keeping the
        // organ's largest component alone removes the island (organ -> 1) and keeping the lesion's would drop the
        // real one (lesion 1 -> 0.8)
        s.add(PREDICTION, labels(
                "1111000",
                "1221002",
                "1111000",
                "0000000",
                "0000000",
                "0000000"), SHAPE);
        PostprocessingSearch.Decision d = s.decide();
        assertEquals(new Postprocessing(false, List.of(1)), d.postprocessing());
        assertEquals(20.0 / 26, d.before().get(1), 1e-12);
        assertEquals(1.0, d.before().get(2), 1e-12);
        assertEquals(1.0, d.after().get(1), 1e-12);
        assertEquals(1.0, d.after().get(2), 1e-12);
    }

    @Test
    void casesWithoutALabelLeaveItsMeanAloneAndNothingIsChosenWithoutAGain() {
        PostprocessingSearch s = search();
        short[] organOnly = labels(
                "1111000",
                "1111000",
                "0000000",
                "0000000",
                "0000000",
                "0000000");
        s.add(organOnly, organOnly, SHAPE); // organ 1, lesion undefined (NaN) with or without any step
        PostprocessingSearch.Decision d = s.decide();
        assertTrue(d.postprocessing().isNone());
        assertEquals(1.0, d.before().get(1));
        assertTrue(d.before().get(2).isNaN());
        assertEquals(1.0, d.foregroundBefore());
        // with a second case the lesion's mean is that case's alone: 2*2/(3+2) = 0.8, not (0.8 + 0) / 2
        s.add(PREDICTION, CLEAN_REFERENCE, SHAPE);
        d = s.decide();
        assertEquals(0.8, d.before().get(2), 1e-12);
        assertEquals((1 + 20.0 / 26) / 2, d.before().get(1), 1e-12);
        assertEquals(new Postprocessing(true, List.of()), d.postprocessing());
    }
}
