package io.medseg.bench;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.medseg.engine.DjlEnvironment;
import io.medseg.inference.SlidingWindow;
import io.medseg.inference.SlidingWindowSettings;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.NetworkConfig;
import io.medseg.nn.networks.Networks;

/**
 * What the sliding window costs beyond the network: for images several patches large, (a) the whole sliding-window
 * prediction (tile copies, softmax, mirroring flips, device transfers, Gaussian-weighted accumulation, normalisation)
 * against (b) the same number of forward passes of the same tile batches through the network on random data.
 * Overhead = (a) / (b); the target is at most 1.25. Also voxels per second of (a). Each row runs in a child JVM on one
 * PyTorch thread and is timed in CPU time after a warm-up (see {@link ChildMeasurement}); 1 channel, 3 classes,
 * overlap 0.5, {@value SlidingWindowSettings#DEFAULT_TILE_BATCH} tiles per pass, deep supervision off as predict
 * loads models.
 */
public final class SlidingWindowBenchmark {
    /** architecture, image shape, patch, mirroring. */
    private record Case(Architecture architecture, long[] image, long[] patch, boolean mirroring) {
    }

    private static final Case[] CASES = {
            new Case(Architecture.RESIDUAL_UNET, new long[] { 512, 512 }, new long[] { 128, 128 }, false),
            new Case(Architecture.RESIDUAL_UNET, new long[] { 256, 256 }, new long[] { 128, 128 }, true),
            new Case(Architecture.RESIDUAL_UNET, new long[] { 64, 64, 64 }, new long[] { 32, 32, 32 }, false),
            new Case(Architecture.RESIDUAL_UNET, new long[] { 48, 48, 48 }, new long[] { 32, 32, 32 }, true),
            new Case(Architecture.LIGHTM_UNET, new long[] { 256, 256 }, new long[] { 128, 128 }, false), };

    private final PrintWriter out;
    private final int repeats;

    public SlidingWindowBenchmark(PrintWriter out, int repeats) {
        this.out = out;
        this.repeats = repeats;
    }

    public void run() {
        Engine engine = DjlEnvironment.pytorch();
        out.printf(Locale.ROOT, "engine %s %s, cpu, 1 thread, 1 channel -> 3 classes, overlap 0.5, %d tiles per pass,"
                + " CPU time, median of %d%n%n", engine.getEngineName(), engine.getVersion(),
                SlidingWindowSettings.DEFAULT_TILE_BATCH, repeats);
        out.printf(Locale.ROOT, "%-14s %-11s %-9s %4s %6s %7s %11s %11s %9s %12s%n", "model", "image", "patch", "tta",
                "tiles", "passes", "window ms", "forward ms", "overhead", "voxels/s");
        out.flush();
        for (Case c : CASES) {
            double[] m = ChildMeasurement.run(Probe.class, c.architecture().id(), join(c.image()), join(c.patch()),
                    String.valueOf(c.mirroring()), String.valueOf(repeats));
            double voxels = Arrays.stream(c.image()).reduce(1, (x, y) -> x * y);
            out.printf(Locale.ROOT, "%-14s %-11s %-9s %4s %6.0f %7.0f %11.0f %11.0f %9.3f %12.0f%n", c.architecture().id(),
                    join(c.image()).replace(',', 'x'), join(c.patch()).replace(',', 'x'), c.mirroring() ? "on" : "off",
                    m[2], m[3], m[0], m[1], m[0] / m[1], voxels / (m[0] / 1e3));
            out.flush();
        }
    }

    private static String join(long[] p) {
        return String.join(",", Arrays.stream(p).mapToObj(Long::toString).toArray(String[]::new));
    }

    private static long[] parse(String s) {
        return Arrays.stream(s.split(",")).mapToLong(Long::parseLong).toArray();
    }

    /** Child: sliding-window ms, forward-only ms (CPU time, medians), tiles, forward passes. */
    public static final class Probe {
        public static void main(String[] args) {
            Architecture a = Architecture.of(args[0]);
            long[] image = parse(args[1]);
            long[] patch = parse(args[2]);
            boolean mirroring = Boolean.parseBoolean(args[3]);
            int repeats = Integer.parseInt(args[4]);
            Engine engine = DjlEnvironment.pytorch();
            NetworkConfig config = Networks.defaultConfig(a, patch.length, 1, 3, patch).withoutDeepSupervision();
            SlidingWindowSettings settings = new SlidingWindowSettings(0.5, mirroring,
                    SlidingWindowSettings.DEFAULT_TILE_BATCH);
            try (NDManager m = engine.newBaseManager()) {
                engine.setRandomSeed(1);
                Block net = Networks.build(config, patch);
                net.initialize(m, DataType.FLOAT32, Networks.inputShape(config, patch));
                SlidingWindow sw = new SlidingWindow(net, 1, 3, patch, settings);
                int voxels = (int) Arrays.stream(image).reduce(1, (x, y) -> x * y);
                float[] data = new float[voxels];
                Random r = new Random(2);
                for (int i = 0; i < data.length; i++) {
                    data[i] = (float) r.nextGaussian();
                }
                int tiles = sw.tileCount(image);
                int batch = settings.tileBatch();
                int flips = mirroring ? 1 << patch.length : 1;
                // the forward passes the window needs: its tile batches (the last one partial), each per mirroring
                int[] batches = new int[(tiles + batch - 1) / batch];
                for (int b = 0; b < batches.length; b++) {
                    batches[b] = Math.min(batch, tiles - b * batch);
                }
                NDArray full = m.randomNormal(new Shape(batch, 1).addAll(new Shape(patch)));
                NDArray last = m.randomNormal(new Shape(batches[batches.length - 1], 1).addAll(new Shape(patch)));
                ParameterStore ps = new ParameterStore(m, false);
                double[] window = new double[repeats];
                double[] forward = new double[repeats];
                for (int rep = -1; rep < repeats; rep++) { // rep = -1 warms up
                    double c0 = ChildMeasurement.cpuMillis();
                    sw.predict(data, image);
                    double c1 = ChildMeasurement.cpuMillis();
                    for (int b = 0; b < batches.length; b++) {
                        NDArray x = batches[b] == batch ? full : last;
                        for (int f = 0; f < flips; f++) {
                            try (NDScope scope = new NDScope()) {
                                net.forward(ps, new NDList(x), false).get(0).getShape();
                            }
                        }
                    }
                    double c2 = ChildMeasurement.cpuMillis();
                    if (rep >= 0) {
                        window[rep] = c1 - c0;
                        forward[rep] = c2 - c1;
                    }
                }
                Arrays.sort(window);
                Arrays.sort(forward);
                ChildMeasurement.report(window[repeats / 2], forward[repeats / 2], tiles, batches.length * flips);
            }
        }
    }
}
