package io.medseg.postprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class PostprocessingTest {
    /** Parses rows of digits (label values) into a 2D label map of shape {columns, rows}. */
    static short[] labels(String... rows) {
        short[] l = new short[rows.length * rows[0].length()];
        for (int j = 0; j < rows.length; j++) {
            for (int i = 0; i < rows[j].length(); i++) {
                l[i + rows[0].length() * j] = (short) (rows[j].charAt(i) - '0');
            }
        }
        return l;
    }

    private static final int[] SHAPE = { 7, 5 };

    /** An organ (1) holding a lesion (2), a stray organ island and a stray lesion. */
    private static final short[] PREDICTION = labels(
            "1111000",
            "1221002",
            "1111000",
            "0000010",
            "0000011");

    @Test
    void keepingTheLargestForegroundKeepsLesionsInsideTheOrganAndDropsIslands() {
        short[] out = new Postprocessing(true, List.of()).apply(PREDICTION, SHAPE, (short) 0);
        assertArrayEquals(labels(
                "1111000",
                "1221000",
                "1111000",
                "0000000",
                "0000000"), out);
        assertEquals(2, PREDICTION[6 + 7], "the input is left alone");
    }

    @Test
    void keepingTheLargestComponentOfALabelTouchesOnlyThatLabel() {
        short[] organ = new Postprocessing(false, List.of(1)).apply(PREDICTION, SHAPE, (short) 0);
        assertArrayEquals(labels(
                "1111000",
                "1221002",
                "1111000",
                "0000000",
                "0000000"), organ);
        short[] lesion = new Postprocessing(false, List.of(2)).apply(PREDICTION, SHAPE, (short) 0);
        assertArrayEquals(labels(
                "1111000",
                "1221000",
                "1111000",
                "0000010",
                "0000011"), lesion);
    }

    @Test
    void describesItsSteps() {
        assertTrue(Postprocessing.NONE.isNone());
        assertEquals("none", Postprocessing.NONE.describe());
        Postprocessing p = new Postprocessing(true, List.of(1));
        assertFalse(p.isNone());
        assertEquals("keep the largest foreground component, then keep the largest component of label 1", p.describe());
        assertTrue(new Postprocessing(false, null).isNone());
        assertArrayEquals(PREDICTION, Postprocessing.NONE.apply(PREDICTION, SHAPE, (short) 0));
    }
}
