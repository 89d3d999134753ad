package io.medseg.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.medseg.engine.DjlEnvironment;
import io.medseg.nn.checkpoint.CheckpointTape;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.ModelSummary;
import io.medseg.nn.networks.NetworkConfig;
import io.medseg.nn.networks.Networks;

/**
 * Per architecture (all, or a chosen subset), for a 2D 128² and a 3D 64³ patch (or one of them; batch 1 or as
 * chosen, 1 channel, 3 classes, default plans): forward (inference) time, training-step time (forward + checkpointed
 * backward) and the step's peak memory on CPU, and the achieved multiply-accumulates per second of the forward pass as
 * a fraction of the dense matrix-multiply rate measured in the same run (2048×2048 float products). Then, per patch, LightM-UNet's step
 * time over the residual UNet's (the ratio issue 17 tracks) and LightM-UNet's step in a JVM without the Vector API
 * module, as KNIME starts one. All in child JVMs on one PyTorch thread, by CPU time (see {@link ChildMeasurement}; the
 * CPU scan's Java loops count with the time of every core they use); times with the launcher's allocator settings, the
 * peak memory in a separate child with the exact-peak setting, which slows large allocations.
 *
 * <p>Rounds: with more than one, the timing children run round after round, each round every chosen architecture once in
 * turn, and the table shows the median over rounds. LightM-UNet's ratio to the residual UNet is then the median of the
 * ratios within each round: both children of a round ran within minutes of each other, so a shared machine that drifts
 * in speed between rounds (by up to 30% within minutes, measured on a 2-core VM) moves both alike.
 */
public final class NetworkBenchmark {
    private static final int MATRIX = 2048;
    private static final long[][] PATCHES = { { 128, 128 }, { 64, 64, 64 } };
    private final PrintWriter out;
    private final int repeats;
    private final List<Architecture> models;
    private final List<Integer> dims;
    private final int batch;
    private final int rounds;

    /**
     * The given architectures at the given dimensionalities (2: 128², 3: 64³), with this many images per step, timed in
     * this many rounds (see the class comment).
     */
    public NetworkBenchmark(PrintWriter out, int repeats, List<Architecture> models, List<Integer> dims, int batch,
            int rounds) {
        if (batch < 1 || rounds < 1) {
            throw new IllegalArgumentException("batch and rounds must be positive, got " + batch + " and " + rounds);
        }
        this.batch = batch;
        this.rounds = rounds;
        this.out = out;
        this.repeats = repeats;
        this.models = List.copyOf(models);
        this.dims = List.copyOf(dims);
    }

    public void run() {
        Engine engine = DjlEnvironment.pytorch();
        double dense = ChildMeasurement.run(DenseRateProbe.class)[0];
        out.printf(Locale.ROOT, "engine %s %s, cpu, 1 thread, batch %d, 1 channel -> 3 classes, fp32, median of %d%s%n",
                engine.getEngineName(), engine.getVersion(), batch, repeats,
                rounds > 1 ? ", median over " + rounds + " alternating rounds" : "");
        out.printf(Locale.ROOT, "dense rate: %dx%d float matrix product at %.1f GMAC/s%n%n", MATRIX, MATRIX, dense / 1e9);
        out.printf(Locale.ROOT, "%-15s %-9s %12s %9s %10s %11s %11s %13s%n", "model", "patch", "params", "GMACs",
                "fwd ms", "step ms", "step MB", "fwd MAC/s / dense");
        List<String> ratios = new ArrayList<>();
        for (long[] patch : PATCHES) {
            if (!dims.contains(patch.length)) {
                continue;
            }
            // per architecture, per round: forward and step ms, with the allocator settings a user's run has
            Map<Architecture, double[][]> times = new EnumMap<>(Architecture.class);
            for (int r = 0; r < rounds; r++) {
                for (Architecture a : models) {
                    times.computeIfAbsent(a, k -> new double[rounds][])[r] = ChildMeasurement.runForTime(Probe.class,
                            a.id(), join(patch), String.valueOf(repeats), String.valueOf(batch));
                }
            }
            Map<Architecture, double[]> steps = new EnumMap<>(Architecture.class);
            for (Architecture a : models) {
                NetworkConfig config = Networks.defaultConfig(a, patch.length, 1, 3, patch);
                ModelSummary s = Networks.summary(config, patch);
                double[] step = column(times.get(a), 1);
                double forward = median(column(times.get(a), 0));
                // the peak in a child of its own
                double peak = ChildMeasurement.run(Probe.class, a.id(), join(patch), "1", String.valueOf(batch),
                        Probe.ONE_WARM_UP)[2];
                steps.put(a, step);
                double achieved = batch * s.macs() / (forward / 1e3);
                out.printf(Locale.ROOT, "%-15s %-9s %,12d %9.2f %10.0f %11.0f %11.1f %13.3f%n", a.id(),
                        join(patch).replace(',', 'x'), s.parameters(), s.macs() / 1e9, forward, median(step),
                        peak / 1e6, achieved / dense);
                out.flush();
            }
            ratios.addAll(lightmRatios(patch, steps));
        }
        if (!ratios.isEmpty()) {
            out.println();
            ratios.forEach(out::println);
        }
    }

    /**
     * LightM-UNet's step over the residual UNet's, when both were measured, and over its own step in a JVM without
     * the Vector API module (the scan then runs scalar loops), when this JVM has the module.
     */
    private List<String> lightmRatios(long[] patch, Map<Architecture, double[]> steps) {
        double[] lightmSteps = steps.get(Architecture.LIGHTM_UNET);
        if (lightmSteps == null) {
            return List.of();
        }
        double lightm = median(lightmSteps);
        List<String> lines = new ArrayList<>();
        String where = join(patch).replace(',', 'x');
        double[] residual = steps.get(Architecture.RESIDUAL_UNET);
        if (residual != null) {
            double[] perRound = ratios(lightmSteps, residual);
            String each = Arrays.stream(perRound).mapToObj(x -> String.format(Locale.ROOT, "%.2fx", x))
                    .reduce((x, y) -> x + ", " + y).orElse("");
            lines.add(String.format(Locale.ROOT, "lightm-unet step / residual-unet step at %s: %.2fx%s", where,
                    median(perRound), rounds > 1 ? " (median of the rounds' " + each + ")" : ""));
        }
        if (ChildMeasurement.VECTOR_MODULE_LOADED) {
            double scalar = ChildMeasurement.runForTime(false, Probe.class, Architecture.LIGHTM_UNET.id(),
                    join(patch), String.valueOf(repeats), String.valueOf(batch))[1];
            lines.add(String.format(Locale.ROOT, "lightm-unet step at %s without the Vector API module: %.0f ms, %.2fx"
                    + " the step with it", where, scalar, scalar / lightm));
        }
        return lines;
    }

    /** Value k of every round's measurement. */
    private static double[] column(double[][] rounds, int k) {
        return Arrays.stream(rounds).mapToDouble(m -> m[k]).toArray();
    }

    /** a[r] / b[r] for every round r. */
    static double[] ratios(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("ratios of " + a.length + " and " + b.length + " rounds");
        }
        double[] q = new double[a.length];
        for (int r = 0; r < a.length; r++) {
            q[r] = a[r] / b[r];
        }
        return q;
    }

    /** The median (of an even count, the mean of the middle two). */
    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static String join(long[] p) {
        return String.join(",", Arrays.stream(p).mapToObj(Long::toString).toArray(String[]::new));
    }

    /** Child: MAC/s of a 2048² float matrix product, best of 5. */
    public static final class DenseRateProbe {
        public static void main(String[] args) {
            Engine engine = DjlEnvironment.pytorch();
            try (NDManager m = engine.newBaseManager()) {
                NDArray a = m.randomNormal(new Shape(MATRIX, MATRIX));
                NDArray b = m.randomNormal(new Shape(MATRIX, MATRIX));
                double best = Double.MAX_VALUE;
                for (int r = 0; r < 6; r++) {
                    try (NDScope scope = new NDScope()) {
                        double c0 = ChildMeasurement.cpuMillis();
                        a.matMul(b).sum().getFloat();
                        double c1 = ChildMeasurement.cpuMillis();
                        if (r > 0) {
                            best = Math.min(best, c1 - c0);
                        }
                    }
                }
                ChildMeasurement.report((double) MATRIX * MATRIX * MATRIX / (best / 1e3));
            }
        }
    }

    /**
     * Child: forward ms, training-step ms (CPU time, medians) and the step's peak resident bytes, after warm-up runs
     * until the JIT is done ({@link ChildMeasurement#warmUp}), or one warm-up run where a fifth argument says
     * {@link #ONE_WARM_UP} (enough for the peak, which does not depend on compiled code).
     */
    public static final class Probe {
        static final String ONE_WARM_UP = "one-warm-up";

        public static void main(String[] args) {
            Architecture a = Architecture.of(args[0]);
            long[] patch = Arrays.stream(args[1].split(",")).mapToLong(Long::parseLong).toArray();
            int repeats = Integer.parseInt(args[2]);
            int batch = Integer.parseInt(args[3]);
            Engine engine = DjlEnvironment.pytorch();
            NetworkConfig config = Networks.defaultConfig(a, patch.length, 1, 3, patch);
            double[] forward = new double[repeats];
            double[] step = new double[repeats];
            long peak = 0;
            try (NDManager m = engine.newBaseManager()) {
                engine.setRandomSeed(1);
                Block net = Networks.build(config, patch);
                net.initialize(m, DataType.FLOAT32, Networks.inputShape(config, patch));
                Shape one = Networks.inputShape(config, patch);
                NDArray x = m.randomNormal(new Shape(batch).addAll(one.slice(1)));
                Runnable warm = () -> {
                    forwardMillis(net, m, x);
                    stepMillis(engine, net, m, x);
                };
                if (args.length > 4 && ONE_WARM_UP.equals(args[4])) {
                    warm.run();
                } else {
                    ChildMeasurement.warmUp(warm);
                }
                for (int r = 0; r < repeats; r++) {
                    forward[r] = forwardMillis(net, m, x);
                    long base = PeakMemory.residentBytes();
                    PeakMemory.reset();
                    step[r] = stepMillis(engine, net, m, x);
                    peak = Math.max(peak, PeakMemory.peakBytes() - base);
                }
            }
            Arrays.sort(forward);
            Arrays.sort(step);
            ChildMeasurement.report(forward[repeats / 2], step[repeats / 2], peak);
        }

        /** CPU ms of one inference forward pass. */
        private static double forwardMillis(Block net, NDManager m, NDArray x) {
            try (NDScope scope = new NDScope()) {
                double c0 = ChildMeasurement.cpuMillis();
                net.forward(new ParameterStore(m, false), new NDList(x), false).get(0).sum().getFloat();
                return ChildMeasurement.cpuMillis() - c0;
            }
        }

        /** CPU ms of one training step (forward under a checkpoint tape, backward). */
        private static double stepMillis(Engine engine, Block net, NDManager m, NDArray x) {
            try (NDScope scope = new NDScope()) {
                double c0 = ChildMeasurement.cpuMillis();
                try (GradientCollector gc = engine.newGradientCollector()) {
                    CheckpointTape tape = new CheckpointTape();
                    NDArray loss;
                    try (CheckpointTape.Scope s = tape.activate()) {
                        NDList outputs = net.forward(new ParameterStore(m, false), new NDList(x), true);
                        loss = outputs.get(0).square().mean();
                    }
                    tape.backward(loss);
                }
                return ChildMeasurement.cpuMillis() - c0;
            }
        }
    }
}
