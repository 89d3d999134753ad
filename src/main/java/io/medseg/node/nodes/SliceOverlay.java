package io.medseg.node.nodes;

import java.awt.image.BufferedImage;
import java.util.Arrays;

import io.medseg.image.Volume;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * Renders one slice of an image with the contours of a reference and a prediction label map: grey values windowed to
 * the slice's 0.5–99.5 percentiles, reference contours in green/cyan, prediction contours in red/yellow (first and
 * further labels), enlarged so small images stay readable.
 */
final class SliceOverlay {
    static final int MIN_SIZE = 256;
    private static final int[] REFERENCE = { 0x00E000, 0x00E0E0, 0x4080FF };
    private static final int[] PREDICTION = { 0xFF2020, 0xFFE000, 0xFF40FF };
    /** What the colours mean, for captions. */
    static final String LEGEND = "reference green, cyan, blue and prediction red, yellow, magenta for labels 1, 2, 3+";

    private SliceOverlay() {
    }

    /** The slice {@code index} along {@code axis} (ignored for 2D) of channel 0, as rows × columns values. */
    static double[][] slice(Volume v, int axis, long index) {
        RandomAccessibleInterval<? extends RealType<?>> ch = v.channel(0);
        RandomAccessibleInterval<? extends RealType<?>> plane = v.spatialDims() == 3 ? Views.hyperSlice(ch, axis, index)
                : ch;
        int w = (int) plane.dimension(0);
        int h = (int) plane.dimension(1);
        double[][] out = new double[h][w];
        int i = 0;
        for (RealType<?> t : Views.flatIterable(plane)) {
            out[i / w][i % w] = t.getRealDouble();
            i++;
        }
        return out;
    }

    /**
     * The slice through the middle of the label map's foreground along {@code axis} (the middle of the volume when
     * it has none); 0 for 2D images.
     */
    static long foregroundMiddle(Volume labels, int axis) {
        if (labels.spatialDims() == 2) {
            return 0;
        }
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        var cursor = Views.flatIterable(labels.channel(0)).localizingCursor();
        while (cursor.hasNext()) {
            if (cursor.next().getRealDouble() > 0) {
                long p = cursor.getLongPosition(axis);
                lo = Math.min(lo, p);
                hi = Math.max(hi, p);
            }
        }
        return lo > hi ? labels.shape()[axis] / 2 : (lo + hi) / 2;
    }

    /** The overlay; {@code reference} and {@code prediction} may be null. */
    static BufferedImage render(double[][] image, double[][] reference, double[][] prediction) {
        int h = image.length;
        int w = image[0].length;
        int scale = Math.max(1, (MIN_SIZE + Math.max(w, h) - 1) / Math.max(w, h));
        double[] sorted = Arrays.stream(image).flatMapToDouble(Arrays::stream).sorted().toArray();
        double lo = sorted[(int) Math.floor(0.005 * (sorted.length - 1))];
        double hi = sorted[(int) Math.ceil(0.995 * (sorted.length - 1))];
        double range = hi > lo ? hi - lo : 1;
        // image row 0 is the first index of the second axis; drawn bottom-up so anatomy is not upside down
        BufferedImage out = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int g = (int) Math.round(255 * Math.min(1, Math.max(0, (image[y][x] - lo) / range)));
                fill(out, x, h - 1 - y, scale, g << 16 | g << 8 | g);
            }
        }
        contours(out, reference, REFERENCE, scale);
        contours(out, prediction, PREDICTION, scale);
        return out;
    }

    private static void contours(BufferedImage out, double[][] labels, int[] colours, int scale) {
        if (labels == null) {
            return;
        }
        int h = labels.length;
        int w = labels[0].length;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int l = (int) Math.round(labels[y][x]);
                if (l > 0 && isEdge(labels, x, y, l)) {
                    fill(out, x, h - 1 - y, scale, colours[Math.min(l, colours.length) - 1]);
                }
            }
        }
    }

    private static boolean isEdge(double[][] labels, int x, int y, int l) {
        int[][] n = { { 1, 0 }, { -1, 0 }, { 0, 1 }, { 0, -1 } };
        for (int[] d : n) {
            int xx = x + d[0];
            int yy = y + d[1];
            if (yy < 0 || yy >= labels.length || xx < 0 || xx >= labels[0].length
                    || (int) Math.round(labels[yy][xx]) != l) {
                return true;
            }
        }
        return false;
    }

    private static void fill(BufferedImage out, int x, int y, int scale, int rgb) {
        for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
                out.setRGB(x * scale + dx, y * scale + dy, rgb);
            }
        }
    }
}
