package io.medseg.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart is checked by its pixels: each panel shows its series in its colour, absent series leave no trace, and
 * the file on disk is a PNG that replaces the older one.
 */
class LearningCurveChartTest {
    private static final int W = 900;
    private static final int H = 1000;

    /** {@code epochs} epochs of a run that learns; {@code validation} false gives NaN validation columns. */
    private static TrainingHistory history(int epochs, boolean validation) {
        TrainingHistory h = new TrainingHistory();
        double ema = Double.NaN;
        for (int e = 0; e < epochs; e++) {
            double dice = validation ? 0.8 * (1 - Math.exp(-e / 20.0)) + 0.05 * Math.sin(e) : Double.NaN;
            ema = Double.isNaN(ema) ? dice : 0.9 * ema + 0.1 * dice;
            h.add(new EpochRecord(e, 1.2 * Math.exp(-e / 30.0) + 0.03 * Math.cos(e),
                    validation ? 1.3 * Math.exp(-e / 30.0) + 0.05 * Math.sin(3 * e) : Double.NaN,
                    Map.of("liver", dice), dice, ema, 1e-2 * Math.pow(1 - e / (double) epochs, 0.9),
                    40 + 8 * Math.sin(e / 5.0)));
        }
        return h;
    }

    @Test
    void everyPanelShowsItsSeries() {
        BufferedImage image = LearningCurveChart.render(history(300, true), W, H);
        assertEquals(W, image.getWidth());
        assertEquals(H, image.getHeight());
        Rectangle[] panels = LearningCurveChart.plotAreas(W, H);
        assertEquals(3, panels.length);
        assertTrue(pixelsLike(image, panels[0], LearningCurveChart.TRAIN_LOSS) > 100);
        assertTrue(pixelsLike(image, panels[0], LearningCurveChart.VALIDATION_LOSS) > 100);
        assertTrue(pixelsLike(image, panels[0], LearningCurveChart.PSEUDO_DICE) > 100);
        assertTrue(pixelsLike(image, panels[1], LearningCurveChart.DURATION) > 100);
        assertTrue(pixelsLike(image, panels[2], LearningCurveChart.LEARNING_RATE) > 100);
        // and each curve stays in its own panel
        assertEquals(0, pixelsLike(image, panels[1], LearningCurveChart.LEARNING_RATE));
        assertEquals(0, pixelsLike(image, panels[2], LearningCurveChart.DURATION));
    }

    @Test
    void withoutValidationTheValidationSeriesAreLeftOut() {
        BufferedImage image = LearningCurveChart.render(history(20, false), W, H);
        Rectangle loss = LearningCurveChart.plotAreas(W, H)[0];
        assertTrue(pixelsLike(image, loss, LearningCurveChart.TRAIN_LOSS) > 50);
        assertEquals(0, pixelsLike(image, loss, LearningCurveChart.VALIDATION_LOSS));
        assertEquals(0, pixelsLike(image, loss, LearningCurveChart.PSEUDO_DICE));
        // the legend above the plot lists only the train loss
        Rectangle heading = new Rectangle(0, 0, W, loss.y);
        assertTrue(pixelsLike(image, heading, LearningCurveChart.TRAIN_LOSS) > 0);
        assertEquals(0, pixelsLike(image, heading, LearningCurveChart.VALIDATION_LOSS));
    }

    @Test
    void aSingleEpochIsDrawnAsDots() {
        BufferedImage image = LearningCurveChart.render(history(1, true), W, H);
        Rectangle[] panels = LearningCurveChart.plotAreas(W, H);
        assertTrue(pixelsLike(image, panels[0], LearningCurveChart.TRAIN_LOSS) > 5);
        assertTrue(pixelsLike(image, panels[0], LearningCurveChart.VALIDATION_LOSS) > 5);
        assertTrue(pixelsLike(image, panels[1], LearningCurveChart.DURATION) > 5);
        assertTrue(pixelsLike(image, panels[2], LearningCurveChart.LEARNING_RATE) > 5);
    }

    @Test
    void emptyHistoryAndNonFiniteValuesDoNotThrow() {
        LearningCurveChart.render(new TrainingHistory(), W, H);
        TrainingHistory h = new TrainingHistory();
        double[] odd = { Double.NaN, Double.POSITIVE_INFINITY, 0.5, Double.NaN, 0.25, Double.NEGATIVE_INFINITY };
        for (int e = 0; e < odd.length; e++) {
            h.add(new EpochRecord(e, odd[e], odd[(e + 1) % odd.length], Map.of("a", odd[e]), odd[e], odd[e], odd[e],
                    odd[e]));
        }
        BufferedImage image = LearningCurveChart.render(h, W, H);
        assertTrue(pixelsLike(image, LearningCurveChart.plotAreas(W, H)[0], LearningCurveChart.TRAIN_LOSS) > 0);
    }

    @Test
    void sameHistoryGivesTheSamePixels() {
        TrainingHistory h = history(50, true);
        assertArrayEquals(pixels(LearningCurveChart.render(h, W, H)), pixels(LearningCurveChart.render(h, W, H)));
    }

    @Test
    void refusesImagesTooSmallForTheLabels() {
        assertThrows(IllegalArgumentException.class, () -> LearningCurveChart.render(history(2, true), 100, H));
    }

    @Test
    void writesAReadablePngThatReplacesTheOlderOne(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("progress.png");
        LearningCurveChart.write(history(3, false), png);
        byte[] first = Files.readAllBytes(png);
        LearningCurveChart.write(history(40, true), png);
        assertFalse(java.util.Arrays.equals(first, Files.readAllBytes(png)));
        BufferedImage read = ImageIO.read(png.toFile());
        assertEquals(LearningCurveChart.DEFAULT_WIDTH, read.getWidth());
        assertEquals(LearningCurveChart.DEFAULT_HEIGHT, read.getHeight());
        Rectangle[] panels = LearningCurveChart.plotAreas(read.getWidth(), read.getHeight());
        assertTrue(pixelsLike(read, panels[0], LearningCurveChart.VALIDATION_LOSS) > 100);
        // the temporary file was renamed onto the target, not left beside it
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(png), files.toList());
        }
    }

    /** Pixels within a small distance of {@code colour}: the anti-aliased line's core keeps its colour. */
    private static int pixelsLike(BufferedImage image, Rectangle area, Color colour) {
        int n = 0;
        for (int y = area.y; y < area.y + area.height; y++) {
            for (int x = area.x; x < area.x + area.width; x++) {
                Color c = new Color(image.getRGB(x, y));
                int d = Math.abs(c.getRed() - colour.getRed()) + Math.abs(c.getGreen() - colour.getGreen())
                        + Math.abs(c.getBlue() - colour.getBlue());
                if (d < 30) {
                    n++;
                }
            }
        }
        return n;
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
