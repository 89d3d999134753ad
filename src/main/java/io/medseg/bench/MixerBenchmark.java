package io.medseg.bench;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.medseg.engine.DjlEnvironment;
import io.medseg.nn.checkpoint.CheckpointTape;
import io.medseg.nn.mamba.MambaBlock;
import io.medseg.nn.mamba.SelectiveScan;
import io.medseg.nn.mlstm.ViLBlock;

/**
 * Forward+backward time and peak memory of the sequence mixers against the sequence length L, on CPU, with the
 * ratios time(4L)/time(L) and memory(4L)/memory(L) from one run, and the speed-up of the production scan over the
 * sequential definition. Absolute times on shared machines are noise; the ratios are the result.
 *
 * <p>Each measurement runs in its own JVM (see {@link ChildMeasurement}); the ratios use its CPU time on one PyTorch
 * thread, which other processes on a shared machine barely disturb (wall time is shown too).
 */
public final class MixerBenchmark {
    /** Mixers by name: each builds a (B, L, C) → (B, L, C) block for a model dimension C. */
    private static final Map<String, IntFunction<Block>> MIXERS = new LinkedHashMap<>();

    static {
        MIXERS.put("mamba", c -> MambaBlock.builder().setModelDim(c).build());
        MIXERS.put("mamba-x8", c -> {
            SequentialBlock stack = new SequentialBlock();
            for (int i = 0; i < 8; i++) {
                stack.add(MambaBlock.builder().setModelDim(c).build());
            }
            return stack;
        });
        MIXERS.put("mlstm", c -> ViLBlock.builder().setDim(c).build());
    }

    private final PrintWriter out;
    private final int channels;
    private final int minLength;
    private final int maxLength;
    private final int repeats;

    public MixerBenchmark(PrintWriter out, int channels, int minLength, int maxLength, int repeats) {
        this.out = out;
        this.channels = channels;
        this.minLength = minLength;
        this.maxLength = maxLength;
        this.repeats = repeats;
    }

    /** Registers another mixer (for example the mLSTM) under a name. */
    public static void register(String name, IntFunction<Block> factory) {
        MIXERS.put(name, factory);
    }

    public void run() {
        Engine engine = DjlEnvironment.pytorch();
        out.printf(Locale.ROOT, "engine %s %s, device cpu, %d cores, batch 1, C = %d, fp32, checkpointed training step"
                + " (forward + backward), median of %d%n", engine.getEngineName(), engine.getVersion(),
                Runtime.getRuntime().availableProcessors(), channels, repeats);
        if (!PeakMemory.isSupported()) {
            out.println("(peak memory is not measurable on this system; memory columns show 0)");
        }
        Map<String, Map<Integer, double[]>> results = new LinkedHashMap<>();
        for (String mixer : MIXERS.keySet()) {
            results.put(mixer, table(mixer));
        }
        if (results.containsKey("mamba") && results.containsKey("mamba-x8")) {
            out.printf(Locale.ROOT, "%npeak memory of 8 stacked Mamba layers / one layer:");
            for (Map.Entry<Integer, double[]> e : results.get("mamba-x8").entrySet()) {
                double one = results.get("mamba").get(e.getKey())[1];
                out.printf(Locale.ROOT, "  L=%d: %.2f", e.getKey(), one > 0 ? e.getValue()[1] / one : Double.NaN);
            }
            out.println();
        }
        scanSpeedUp(engine);
        out.flush();
    }

    private Map<Integer, double[]> table(String mixer) {
        out.printf(Locale.ROOT, "%n%-9s %9s %10s %10s %10s %12s %12s%n", mixer, "L", "wall ms", "cpu ms", "peak MB",
                "t(L)/t(L/4)", "m(L)/m(L/4)");
        Map<Integer, double[]> rows = new LinkedHashMap<>();
        double[] previous = null;
        for (int length = minLength; length <= maxLength; length *= 4) {
            double[] m = measureInChild(mixer, length);
            out.printf(Locale.ROOT, "%-9s %9d %10.0f %10.0f %10.1f %12s %12s%n", "", length, m[2], m[0], m[1] / 1e6,
                    previous == null ? "-" : ratio(m[0], previous[0]), previous == null ? "-" : ratio(m[1], previous[1]));
            out.flush();
            rows.put(length, m);
            previous = m;
        }
        return rows;
    }

    private double[] measureInChild(String mixer, int length) {
        return ChildMeasurement.run(Probe.class, mixer, String.valueOf(length), String.valueOf(channels),
                String.valueOf(repeats));
    }

    /** Child-process entry: measures one mixer at one length and prints "RESULT cpuMillis peakBytes wallMillis". */
    public static final class Probe {
        public static void main(String[] args) {
            String mixer = args[0];
            int length = Integer.parseInt(args[1]);
            int channels = Integer.parseInt(args[2]);
            int repeats = Integer.parseInt(args[3]);
            Engine engine = DjlEnvironment.pytorch();
            double[] times = new double[repeats];
            double[] walls = new double[repeats];
            long peak = 0;
            try (NDManager m = engine.newBaseManager()) {
                engine.setRandomSeed(1);
                Block block = MIXERS.get(mixer).apply(channels);
                block.initialize(m, DataType.FLOAT32, new Shape(1, length, channels));
                NDArray x = m.randomNormal(new Shape(1, length, channels));
                for (int r = -1; r < repeats; r++) { // r = -1 warms up
                    long base = PeakMemory.residentBytes();
                    PeakMemory.reset();
                    long t0 = System.nanoTime();
                    double c0 = ChildMeasurement.cpuMillis();
                    try (NDManager step = m.newSubManager()) {
                        NDArray input = x.duplicate();
                        input.attach(step);
                        trainingStep(engine, block, step, input);
                    }
                    long t1 = System.nanoTime();
                    double c1 = ChildMeasurement.cpuMillis();
                    if (r >= 0) {
                        times[r] = c1 - c0;
                        walls[r] = (t1 - t0) / 1e6;
                        peak = Math.max(peak, PeakMemory.peakBytes() - base);
                    }
                    for (var p : block.getParameters()) {
                        p.getValue().getArray().getGradient().subi(p.getValue().getArray().getGradient());
                    }
                }
            }
            Arrays.sort(times);
            Arrays.sort(walls);
            ChildMeasurement.report(times[repeats / 2], peak, walls[repeats / 2]);
        }
    }

    /** One checkpointed training step: forward under a tape, loss = mean(y²), backward. */
    static void trainingStep(Engine engine, Block block, NDManager manager, NDArray x) {
        try (GradientCollector gc = engine.newGradientCollector()) {
            CheckpointTape tape = new CheckpointTape();
            NDArray loss;
            try (CheckpointTape.Scope s = tape.activate()) {
                loss = block.forward(new ParameterStore(manager, false), new NDList(x), true).singletonOrThrow().square()
                        .mean();
            }
            tape.backward(loss);
        }
    }

    /**
     * The production scan against the sequential loop, and its CPU loops' SIMD version (where this JVM has the Vector
     * API) against their scalar version ({@code -Dmedseg.scan.scalar=true} in the child).
     */
    private void scanSpeedUp(Engine engine) {
        out.printf(Locale.ROOT, "%nscan alone (E = %d, N = 16, forward + backward, cpu ms)%n%9s %14s %14s %10s %14s %10s%n",
                2 * channels, "L", "sequential", "production", "speed-up", "scalar loops", "SIMD gain");
        for (int length = minLength; length <= Math.min(maxLength, 4 * minLength); length *= 4) {
            String l = String.valueOf(length);
            String c = String.valueOf(channels);
            double seq = ChildMeasurement.run(ScanProbe.class, "sequential", l, c)[0];
            double prod = ChildMeasurement.run(ScanProbe.class, "production", l, c)[0];
            double scalar = ChildMeasurement.run(List.of("-Dmedseg.scan.scalar=true"), ScanProbe.class, "production", l,
                    c)[0];
            out.printf(Locale.ROOT, "%9d %14.0f %14.0f %9.1fx %14.0f %9.1fx%n", length, seq, prod, seq / prod, scalar,
                    scalar / prod);
            out.flush();
        }
    }

    /** Child: CPU ms of one forward + backward of the sequential or the production scan (best of 2). */
    public static final class ScanProbe {
        public static void main(String[] args) {
            boolean sequential = args[0].equals("sequential");
            int length = Integer.parseInt(args[1]);
            int e = 2 * Integer.parseInt(args[2]);
            Engine engine = DjlEnvironment.pytorch();
            double best = Double.POSITIVE_INFINITY;
            for (int r = 0; r < 2; r++) {
                try (NDManager m = engine.newBaseManager()) {
                    engine.setRandomSeed(2);
                    NDList in = new NDList(m.randomNormal(new Shape(1, length, e)),
                            m.randomUniform(-4f, 0f, new Shape(1, length, e)).exp(),
                            m.randomUniform(0f, 2.7f, new Shape(e, 16)).exp().neg(),
                            m.randomNormal(new Shape(1, length, 16)), m.randomNormal(new Shape(1, length, 16)),
                            m.randomNormal(new Shape(e)));
                    for (NDArray a : in) {
                        a.setRequiresGradient(true);
                    }
                    double c0 = ChildMeasurement.cpuMillis();
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        CheckpointTape tape = new CheckpointTape();
                        NDArray loss;
                        try (CheckpointTape.Scope s = tape.activate()) {
                            NDArray y = sequential
                                    ? SelectiveScan.sequential(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4),
                                            in.get(5))
                                    : SelectiveScan.scan(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), in.get(5));
                            loss = y.square().mean();
                        }
                        tape.backward(loss);
                    }
                    best = Math.min(best, ChildMeasurement.cpuMillis() - c0);
                }
            }
            ChildMeasurement.report(best);
        }
    }

    private static String ratio(double now, double before) {
        return before <= 0 ? "-" : String.format(Locale.ROOT, "%.2f", now / before);
    }
}
