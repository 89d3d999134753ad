package io.medseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The paper's counts and the released code's true counts, side by side. */
class SummaryCommandTest {

    @Test
    void lightMUNet3DShowsTrueAndPaperCounts() {
        CliRunner r = CliRunner.run("summary", "--model", "lightm-unet", "--dims", "3", "--classes", "3");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("parameters  5,015,766 (the built network has the same)"), r.out());
        assertTrue(r.out().contains("thop 1,865,987 params, 457.63 GFLOPs"), r.out());
    }

    @Test
    void unknownModelIsNamed() {
        CliRunner r = CliRunner.run("summary", "--model", "unet9000", "--dims", "2", "--classes", "2");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("unknown model 'unet9000'") && r.err().contains("lightm-unet"), r.err());
    }
}
