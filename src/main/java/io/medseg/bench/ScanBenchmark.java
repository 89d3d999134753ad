package io.medseg.bench;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.medseg.engine.DjlEnvironment;
import io.medseg.nn.checkpoint.CheckpointTape;
import io.medseg.nn.mamba.SelectiveScan;

/**
 * The production selective scan's forward + backward (under a checkpoint tape, as in training) against the sequence
 * length, after warm-up: wall and CPU time, state updates per second, and their rate of float operations against the
 * float32 FMA peak of this machine measured in the same run ({@link FmaPeak}). Each length runs in its own JVM.
 *
 * <p>A state update is one (b, t, e, n) element of the recurrence; a training step takes each through the forward, the
 * backward's recompute and its reverse walk. Counted operations per update ({@link #OPS_PER_UPDATE}), an FMA as one:
 * forward 14 ((Δ·log₂e)·a; the exponential's 10: rounding 2, reduction 1, polynomial 6, scaling 1; decay·h; + Δu·b;
 * + c·h), recompute 14 (the same but + gy·h instead of + c·h), reverse 7 (r·decay, + c·gy, r·q, gA, gΔ, gu and gB
 * sums): 35. The clamps and the exponent's integer steps are not counted. (Until the exponential became 2^t, it took
 * 13 counted operations and an update 41.)
 */
public final class ScanBenchmark {
    /** Float operations per state update in a forward + backward (see the class comment). */
    static final int OPS_PER_UPDATE = 35;
    private static final int STATES = 16;

    private final PrintWriter out;
    private final int channels;
    private final int minLength;
    private final int maxLength;
    private final int repeats;

    public ScanBenchmark(PrintWriter out, int channels, int minLength, int maxLength, int repeats) {
        this.out = out;
        this.channels = channels;
        this.minLength = minLength;
        this.maxLength = maxLength;
        this.repeats = repeats;
    }

    public void run() {
        int inner = 2 * channels;
        int cores = Runtime.getRuntime().availableProcessors();
        out.printf(Locale.ROOT, "selective scan, CPU kernel: B = 1, E = %d, N = %d, fp32, forward + backward under a"
                + " checkpoint tape, %d cores, median of %d after warm-up%n", inner, STATES, cores, repeats);
        double peak = ChildMeasurement.VECTOR_MODULE_LOADED ? FmaPeak.opsPerSecond(cores) : Double.NaN;
        out.printf(Locale.ROOT, "float32 FMA peak of this machine, measured now: %s%n", Double.isNaN(peak)
                ? "not measured (no Vector API module)" : String.format(Locale.ROOT, "%.1f G lane-FMAs/s on %d threads",
                        peak / 1e9, cores));
        out.printf(Locale.ROOT, "%9s %10s %10s %14s %12s %12s%n", "L", "wall ms", "cpu ms", "updates/s", "of peak",
                "t(L)/t(L/4)");
        double previous = Double.NaN;
        for (int length = minLength; length <= maxLength; length *= 4) {
            double[] m = ChildMeasurement.runForTime(Probe.class, String.valueOf(length), String.valueOf(inner),
                    String.valueOf(repeats));
            double rate = (double) length * inner * STATES / (m[0] / 1e3);
            out.printf(Locale.ROOT, "%9d %10.1f %10.1f %14.3g %11.1f%% %12s%n", length, m[0], m[1], rate,
                    100 * rate * OPS_PER_UPDATE / peak, Double.isNaN(previous) ? "-"
                            : String.format(Locale.ROOT, "%.2f", m[0] / previous));
            out.flush();
            previous = m[0];
        }
    }

    /** Child: wall and CPU ms (medians) of the production scan's forward + backward at one length. */
    public static final class Probe {
        public static void main(String[] args) {
            int length = Integer.parseInt(args[0]);
            int inner = Integer.parseInt(args[1]);
            int repeats = Integer.parseInt(args[2]);
            Engine engine = DjlEnvironment.pytorch();
            // warm-up: the JIT compiles the loops (the Vector API runs its slow Java fallback until then)
            int warmUps = Math.max(2, (int) (3L * 65_536 / length));
            double[] walls = new double[repeats];
            double[] cpus = new double[repeats];
            try (NDManager m = engine.newBaseManager()) {
                engine.setRandomSeed(2);
                NDList in = new NDList(m.randomNormal(new Shape(1, length, inner)),
                        m.randomUniform(-4f, 0f, new Shape(1, length, inner)).exp(),
                        m.randomUniform(0f, 2.7f, new Shape(inner, STATES)).exp().neg(),
                        m.randomNormal(new Shape(1, length, STATES)), m.randomNormal(new Shape(1, length, STATES)),
                        m.randomNormal(new Shape(inner)));
                for (NDArray a : in) {
                    a.setRequiresGradient(true);
                }
                for (int r = -warmUps; r < repeats; r++) {
                    long t0 = System.nanoTime();
                    double c0 = ChildMeasurement.cpuMillis();
                    try (NDManager step = m.newSubManager(); GradientCollector gc = engine.newGradientCollector()) {
                        CheckpointTape tape = new CheckpointTape();
                        NDArray loss;
                        try (CheckpointTape.Scope s = tape.activate()) {
                            NDArray y = SelectiveScan.scan(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4),
                                    in.get(5));
                            y.attach(step);
                            loss = y.square().mean();
                        }
                        tape.backward(loss);
                    }
                    if (r >= 0) {
                        walls[r] = (System.nanoTime() - t0) / 1e6;
                        cpus[r] = ChildMeasurement.cpuMillis() - c0;
                    }
                    for (NDArray a : in) {
                        a.getGradient().subi(a.getGradient());
                    }
                }
            }
            Arrays.sort(walls);
            Arrays.sort(cpus);
            ChildMeasurement.report(walls[repeats / 2], cpus[repeats / 2]);
        }
    }
}
