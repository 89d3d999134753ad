package io.medseg.training;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

import javax.imageio.ImageIO;

import io.medseg.io.AtomicFiles;

/**
 * Draws a run's learning curves as a PNG, the counterpart of nnU-Net v2's {@code progress.png}: panel 1 train and
 * validation loss (left axis) with the mean pseudo-Dice and its moving average (right axis, 0–1); panel 2 the duration
 * of each epoch; panel 3 the learning rate. Series without a single finite value (no validation cases) are left out,
 * other non-finite values leave gaps. Pure Java2D on an image, so no display is needed and the same history always
 * gives the same pixels.
 */
public final class LearningCurveChart {
    public static final int DEFAULT_WIDTH = 1200;
    public static final int DEFAULT_HEIGHT = 1400;
    /** Below this the tick labels no longer fit beside the plots. */
    static final int MIN_SIZE = 300;

    // Okabe–Ito colours: told apart with the common colour-vision deficiencies
    static final Color TRAIN_LOSS = new Color(0, 114, 178);
    static final Color VALIDATION_LOSS = new Color(213, 94, 0);
    static final Color PSEUDO_DICE = new Color(0, 158, 115);
    static final Color DURATION = new Color(204, 121, 167);
    static final Color LEARNING_RATE = new Color(230, 159, 0);
    static final Color BACKGROUND = Color.WHITE;
    private static final Color GRID = new Color(228, 228, 228);
    private static final Color INK = new Color(40, 40, 40);

    /** Relative heights of the three panels: the loss/Dice panel carries most information. */
    private static final int[] PANEL_WEIGHTS = { 2, 1, 1 };

    private LearningCurveChart() {
    }

    /** Writes the chart at the default size to {@code png}, atomically, replacing an older chart. */
    public static void write(TrainingHistory history, Path png) {
        BufferedImage image = render(history, DEFAULT_WIDTH, DEFAULT_HEIGHT);
        AtomicFiles.write(png, true, tmp -> {
            if (!ImageIO.write(image, "png", tmp.toFile())) {
                throw new IOException("this Java runtime has no PNG writer");
            }
        });
    }

    /** The chart as an RGB image of the given size (at least {@value #MIN_SIZE} pixels each way). */
    public static BufferedImage render(TrainingHistory history, int width, int height) {
        if (width < MIN_SIZE || height < MIN_SIZE) {
            throw new IllegalArgumentException("chart must be at least " + MIN_SIZE + "x" + MIN_SIZE + ", got " + width
                    + "x" + height);
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            new Painter(g, width, height, history).paint();
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The three plot rectangles (inside the axes) of a chart of this size, top to bottom. */
    static Rectangle[] plotAreas(int width, int height) {
        double s = scale(width, height);
        int left = (int) Math.round(95 * s);
        int right = (int) Math.round(95 * s);
        int top = (int) Math.round(55 * s);
        int bottom = (int) Math.round(40 * s);
        int heading = (int) Math.round(30 * s);
        int tickBand = (int) Math.round(35 * s);
        int available = height - top - bottom;
        int weightSum = 0;
        for (int w : PANEL_WEIGHTS) {
            weightSum += w;
        }
        Rectangle[] areas = new Rectangle[PANEL_WEIGHTS.length];
        int y = top;
        for (int i = 0; i < areas.length; i++) {
            int panel = available * PANEL_WEIGHTS[i] / weightSum;
            areas[i] = new Rectangle(left, y + heading, width - left - right, panel - heading - tickBand);
            y += panel;
        }
        return areas;
    }

    /** Sizes are designed for the default image and scale with it, so small previews keep their proportions. */
    private static double scale(int width, int height) {
        return Math.min(width / (double) DEFAULT_WIDTH, height / (double) DEFAULT_HEIGHT);
    }

    /** One curve: its values per epoch, how it is drawn and what the legend calls it. */
    private record Series(String label, Color color, float[] dash, double[] values) {
        boolean hasData() {
            for (double v : values) {
                if (Double.isFinite(v)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** An axis range [lo, hi] with ticks at the multiples of {@code step} inside it. */
    private record Scale(double lo, double hi, double step) {
        /** A range around the finite values with "nice" ticks (1, 2 or 5 times a power of ten), ~{@code ticks} of them. */
        static Scale around(List<Series> series, int ticks) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (Series s : series) {
                for (double v : s.values()) {
                    if (Double.isFinite(v)) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                }
            }
            if (min > max) {
                min = 0;
                max = 1;
            } else if (min == max) {
                double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
                min -= pad;
                max += pad;
            }
            double step = niceStep((max - min) / ticks);
            double lo = Math.floor(min / step) * step;
            double hi = Math.ceil(max / step) * step;
            // a small margin so that extreme values do not run along the frame
            double margin = (hi - lo) * 0.02;
            return new Scale(lo - margin, hi + margin, step);
        }

        /** Epochs 0..n-1 with half an epoch (or 2 %) of room either side and whole-epoch ticks. */
        static Scale epochs(int n) {
            int last = Math.max(n - 1, 0);
            double pad = Math.max(0.5, last * 0.02);
            return new Scale(-pad, last + pad, Math.max(1, niceStep(last / 8.0)));
        }

        static double niceStep(double raw) {
            if (!(raw > 0)) {
                return 1;
            }
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double f = raw / magnitude;
            double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
            return nice * magnitude;
        }

        List<Double> ticks() {
            List<Double> t = new ArrayList<>();
            // ticks as integer multiples of the step, so that 0.1 + 0.2 style drift never shows in a label
            for (long k = (long) Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
                t.add(k * step);
            }
            return t;
        }

        /** The label of tick {@code v}: as many decimals as the step needs, scientific for very small or large. */
        String label(double v) {
            if (Math.abs(v) < step * 1e-6) {
                return "0";
            }
            int stepExponent = (int) Math.floor(Math.log10(step) + 1e-9);
            double largest = Math.max(Math.abs(lo), Math.abs(hi));
            if (stepExponent >= -4 && largest < 1e6) {
                return new BigDecimal(v).setScale(Math.max(0, -stepExponent), RoundingMode.HALF_EVEN).toPlainString();
            }
            int exponent = (int) Math.floor(Math.log10(Math.abs(v)));
            BigDecimal mantissa = new BigDecimal(v / Math.pow(10, exponent))
                    .setScale(Math.max(0, exponent - stepExponent), RoundingMode.HALF_EVEN);
            if (mantissa.abs().compareTo(BigDecimal.TEN) >= 0) {
                // a tick such as 1e-5 computed as 9.999…e-6 rounds up to a mantissa of 10
                mantissa = mantissa.movePointLeft(1);
                exponent++;
            }
            return mantissa.stripTrailingZeros().toPlainString() + "e" + exponent;
        }

        double fraction(double v) {
            return (v - lo) / (hi - lo);
        }
    }

    /** The drawing of one chart; holds the graphics and the size-dependent measures. */
    private static final class Painter {
        private final Graphics2D g;
        private final int width;
        private final double s;
        private final TrainingHistory history;
        private final List<EpochRecord> records;
        private final Rectangle[] areas;
        private final Font titleFont;
        private final Font headingFont;
        private final Font tickFont;

        Painter(Graphics2D g, int width, int height, TrainingHistory history) {
            this.g = g;
            this.width = width;
            this.s = scale(width, height);
            this.history = history;
            this.records = history.records();
            this.areas = plotAreas(width, height);
            titleFont = new Font(Font.SANS_SERIF, Font.BOLD, size(22));
            headingFont = new Font(Font.SANS_SERIF, Font.PLAIN, size(16));
            tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, size(13));
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, width, height);
        }

        void paint() {
            title();
            Scale x = Scale.epochs(records.size());
            float[] solid = null;
            float[] dashed = { px(10), px(6) };
            float[] dotted = { px(2), px(4) };
            List<Series> losses = present(new Series("train loss", TRAIN_LOSS, solid, values(EpochRecord::trainLoss)),
                    new Series("validation loss", VALIDATION_LOSS, solid, values(EpochRecord::validationLoss)));
            List<Series> dice = present(
                    new Series("pseudo-Dice (mean)", PSEUDO_DICE, dotted, values(EpochRecord::meanPseudoDice)),
                    new Series("pseudo-Dice (moving average)", PSEUDO_DICE, dashed,
                            values(EpochRecord::emaPseudoDice)));
            List<Series> legend = new ArrayList<>(losses);
            legend.addAll(dice);
            panel(areas[0], x, "Loss and pseudo-Dice", legend, "loss", losses, "pseudo-Dice", dice);
            List<Series> seconds = present(new Series("epoch duration", DURATION, solid, values(EpochRecord::seconds)));
            panel(areas[1], x, "Epoch duration", List.of(), "seconds", seconds, null, List.of());
            List<Series> rate = present(
                    new Series("learning rate", LEARNING_RATE, solid, values(EpochRecord::learningRate)));
            panel(areas[2], x, "Learning rate", List.of(), "learning rate", rate, null, List.of());
            g.setFont(tickFont);
            g.setColor(INK);
            Rectangle bottom = areas[areas.length - 1];
            centre("epoch", bottom.x + bottom.width / 2.0, bottom.y + bottom.height + px(50));
        }

        private void title() {
            StringBuilder t = new StringBuilder("Learning curves: ").append(records.size())
                    .append(records.size() == 1 ? " epoch" : " epochs");
            EpochRecord best = history.best();
            if (best != null) {
                t.append(String.format(Locale.ROOT, ", best moving-average pseudo-Dice %.4f at epoch %d",
                        best.emaPseudoDice(), best.epoch()));
            }
            g.setFont(titleFont);
            g.setColor(INK);
            centre(t.toString(), width / 2.0, px(35));
        }

        /** A plot with a left axis, an optional right axis (fixed 0–1) when it has series, a heading and a legend. */
        private void panel(Rectangle area, Scale x, String heading, List<Series> legend, String leftTitle,
                List<Series> left, String rightTitle, List<Series> right) {
            Scale y = Scale.around(left, 5);
            Scale unit = new Scale(-0.02, 1.02, 0.2);
            g.setStroke(new BasicStroke(px(1)));
            g.setColor(GRID);
            for (double t : x.ticks()) {
                double px = area.x + x.fraction(t) * area.width;
                g.draw(new Line2D.Double(px, area.y, px, area.y + area.height));
            }
            for (double t : y.ticks()) {
                double py = area.y + area.height - y.fraction(t) * area.height;
                g.draw(new Line2D.Double(area.x, py, area.x + area.width, py));
            }
            Shape clip = g.getClip();
            g.clip(area);
            for (Series series : left) {
                curve(area, x, y, series);
            }
            for (Series series : right) {
                curve(area, x, unit, series);
            }
            g.setClip(clip);
            g.setStroke(new BasicStroke(px(1)));
            g.setColor(INK);
            g.draw(area);
            g.setFont(tickFont);
            FontMetrics fm = g.getFontMetrics();
            float tick = px(5);
            for (double t : x.ticks()) {
                double px = area.x + x.fraction(t) * area.width;
                g.draw(new Line2D.Double(px, area.y + area.height, px, area.y + area.height + tick));
                centre(x.label(t), px, area.y + area.height + tick + fm.getAscent() + px(2));
            }
            int widestLeft = yTicks(area, y, area.x, -1);
            rotated(leftTitle, area.x - tick - widestLeft - px(12), area.y + area.height / 2.0);
            if (!right.isEmpty()) {
                int widestRight = yTicks(area, unit, area.x + area.width, 1);
                rotated(rightTitle, area.x + area.width + tick + widestRight + px(12) + fm.getAscent(),
                        area.y + area.height / 2.0);
            }
            g.setFont(headingFont);
            fm = g.getFontMetrics();
            float baseline = area.y - px(9);
            g.drawString(heading, area.x, baseline);
            legend(legend, area, fm.stringWidth(heading), baseline);
        }

        /** Tick marks and labels on a vertical axis at {@code axisX}, outward in {@code side} (-1 left, 1 right). */
        private int yTicks(Rectangle area, Scale y, int axisX, int side) {
            FontMetrics fm = g.getFontMetrics();
            float tick = px(5);
            int widest = 0;
            for (double t : y.ticks()) {
                double py = area.y + area.height - y.fraction(t) * area.height;
                g.draw(new Line2D.Double(axisX, py, axisX + side * tick, py));
                String label = y.label(t);
                int w = fm.stringWidth(label);
                widest = Math.max(widest, w);
                float baseline = (float) (py + (fm.getAscent() - fm.getDescent()) / 2.0);
                float lx = side < 0 ? axisX - tick - px(3) - w : axisX + tick + px(3);
                g.drawString(label, lx, baseline);
            }
            return widest;
        }

        /** Legend entries right-aligned above the plot, but never over the heading. */
        private void legend(List<Series> entries, Rectangle area, int headingWidth, float baseline) {
            FontMetrics fm = g.getFontMetrics();
            float sample = px(32);
            float gap = px(6);
            float spacing = px(20);
            float total = 0;
            for (Series e : entries) {
                total += sample + gap + fm.stringWidth(e.label()) + spacing;
            }
            float x = Math.max(area.x + area.width - total + spacing, area.x + headingWidth + spacing);
            float lineY = baseline - (fm.getAscent() - fm.getDescent()) / 2f;
            for (Series e : entries) {
                g.setColor(e.color());
                g.setStroke(stroke(e));
                g.draw(new Line2D.Float(x, lineY, x + sample, lineY));
                g.setColor(INK);
                g.drawString(e.label(), x + sample + gap, baseline);
                x += sample + gap + fm.stringWidth(e.label()) + spacing;
            }
        }

        /** Joins consecutive finite values; a finite value between gaps gets a dot, as a lone point draws no line. */
        private void curve(Rectangle area, Scale x, Scale y, Series series) {
            double[] v = series.values();
            Path2D.Double path = new Path2D.Double();
            List<Shape> dots = new ArrayList<>();
            double radius = px(3);
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i])) {
                    continue;
                }
                double px = area.x + x.fraction(i) * area.width;
                double py = area.y + area.height - y.fraction(v[i]) * area.height;
                boolean afterGap = i == 0 || !Double.isFinite(v[i - 1]);
                boolean beforeGap = i == v.length - 1 || !Double.isFinite(v[i + 1]);
                if (afterGap) {
                    path.moveTo(px, py);
                } else {
                    path.lineTo(px, py);
                }
                if (afterGap && beforeGap) {
                    dots.add(new Ellipse2D.Double(px - radius, py - radius, 2 * radius, 2 * radius));
                }
            }
            g.setColor(series.color());
            g.setStroke(stroke(series));
            g.draw(path);
            for (Shape dot : dots) {
                g.fill(dot);
            }
        }

        private Stroke stroke(Series series) {
            return new BasicStroke(px(2), BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10, series.dash(), 0);
        }

        private void centre(String text, double cx, double baseline) {
            g.drawString(text, (float) (cx - g.getFontMetrics().stringWidth(text) / 2.0), (float) baseline);
        }

        /** Text turned a quarter left, centred on (x, cy); x is its baseline. */
        private void rotated(String text, double x, double cy) {
            AffineTransform saved = g.getTransform();
            g.translate(x, cy);
            g.rotate(-Math.PI / 2);
            centre(text, 0, 0);
            g.setTransform(saved);
        }

        private double[] values(ToDoubleFunction<EpochRecord> column) {
            return records.stream().mapToDouble(column).toArray();
        }

        private static List<Series> present(Series... series) {
            List<Series> kept = new ArrayList<>();
            for (Series s : series) {
                if (s.hasData()) {
                    kept.add(s);
                }
            }
            return kept;
        }

        private float px(double designPixels) {
            return (float) (designPixels * s);
        }

        private int size(double designPoints) {
            return Math.max(8, (int) Math.round(designPoints * s));
        }
    }
}
