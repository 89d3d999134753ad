package io.medseg.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.medseg.engine.DjlEnvironment;
import io.medseg.nn.checkpoint.CheckpointTape;
import io.medseg.nn.mamba.MambaBlock;
import io.medseg.nn.mamba.SelectiveScan;

/**
 * Forward+backward time and peak memory of the sequence mixers against the sequence length L, on CPU, in one run, so
 * the ratios time(4L)/time(L) and memory(4L)/memory(L) compare like with like. Also the speed-up of the production
 * scan over the sequential definition. Absolute times on shared machines are noise; the ratios are the result.
 */
public final class MixerBenchmark {
    private final PrintWriter out;
    private final int channels;
    private final int minLength;
    private final int maxLength;
    private final int repeats;
    private final List<Mixer> extraMixers = new ArrayList<>();

    /** A mixer to measure: builds a (B, L, C) → (B, L, C) block for a model dimension. */
    public record Mixer(String name, IntFunction<Block> factory) {
    }

    public MixerBenchmark(PrintWriter out, int channels, int minLength, int maxLength, int repeats) {
        this.out = out;
        this.channels = channels;
        this.minLength = minLength;
        this.maxLength = maxLength;
        this.repeats = repeats;
    }

    /** Adds another mixer (the mLSTM) to the table. */
    public MixerBenchmark with(Mixer mixer) {
        extraMixers.add(mixer);
        return this;
    }

    public void run() {
        Engine engine = DjlEnvironment.pytorch();
        out.printf(Locale.ROOT, "engine %s %s, device cpu, threads %d, batch 1, C = %d, fp32, checkpointed training step%n",
                engine.getEngineName(), engine.getVersion(), Runtime.getRuntime().availableProcessors(), channels);
        if (!PeakMemory.isSupported()) {
            out.println("(peak memory not measurable on this OS; memory columns show 0)");
        }
        List<Mixer> mixers = new ArrayList<>();
        mixers.add(new Mixer("mamba", c -> MambaBlock.builder().setModelDim(c).build()));
        mixers.addAll(extraMixers);
        for (Mixer mixer : mixers) {
            table(engine, mixer);
        }
        scanSpeedUp(engine);
        out.flush();
    }

    private void table(Engine engine, Mixer mixer) {
        out.printf(Locale.ROOT, "%n%-8s %9s %12s %14s %12s %10s%n", mixer.name(), "L", "fwd+bwd ms", "peak MB", "t(L)/t(L/4)",
                "m(L)/m(L/4)");
        double previousTime = Double.NaN;
        double previousMem = Double.NaN;
        for (int length = minLength; length <= maxLength; length *= 4) {
            double[] m = measure(engine, mixer, length);
            out.printf(Locale.ROOT, "%-8s %9d %12.1f %14.1f %12s %10s%n", "", length, m[0], m[1] / 1e6,
                    ratio(m[0], previousTime), ratio(m[1], previousMem));
            out.flush();
            previousTime = m[0];
            previousMem = m[1];
        }
    }

    /** Median time (ms) and peak extra resident memory (bytes) of one checkpointed forward+backward step. */
    private double[] measure(Engine engine, Mixer mixer, int length) {
        double[] times = new double[repeats];
        long peak = 0;
        for (int r = -1; r < repeats; r++) { // r = -1 warms up
            try (NDManager m = engine.newBaseManager()) {
                engine.setRandomSeed(1);
                Block block = mixer.factory().apply(channels);
                block.initialize(m, DataType.FLOAT32, new Shape(1, length, channels));
                NDArray x = m.randomNormal(new Shape(1, length, channels));
                System.gc();
                long base = PeakMemory.isSupported() ? PeakMemory.residentBytes() : 0;
                if (PeakMemory.isSupported()) {
                    PeakMemory.reset();
                }
                long t0 = System.nanoTime();
                try (GradientCollector gc = engine.newGradientCollector()) {
                    CheckpointTape tape = new CheckpointTape();
                    NDArray loss;
                    try (CheckpointTape.Scope s = tape.activate()) {
                        loss = block.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow()
                                .square().mean();
                    }
                    tape.backward(loss);
                }
                long t1 = System.nanoTime();
                if (r >= 0) {
                    times[r] = (t1 - t0) / 1e6;
                    if (PeakMemory.isSupported()) {
                        peak = Math.max(peak, PeakMemory.peakBytes() - base);
                    }
                }
            }
        }
        java.util.Arrays.sort(times);
        return new double[] { times[repeats / 2], peak };
    }

    private void scanSpeedUp(Engine engine) {
        out.printf(Locale.ROOT, "%nscan only (E = %d, N = 16, forward+backward)%n%9s %14s %14s %10s%n", 2 * channels, "L",
                "sequential ms", "production ms", "speed-up");
        for (int length = minLength; length <= Math.min(maxLength, 4 * minLength); length *= 4) {
            double seq = scanTime(engine, length, true);
            double prod = scanTime(engine, length, false);
            out.printf(Locale.ROOT, "%9d %14.1f %14.1f %9.1fx%n", length, seq, prod, seq / prod);
            out.flush();
        }
    }

    private double scanTime(Engine engine, int length, boolean sequential) {
        try (NDManager m = engine.newBaseManager()) {
            engine.setRandomSeed(2);
            int e = 2 * channels;
            NDList in = new NDList(m.randomNormal(new Shape(1, length, e)),
                    m.randomUniform(-4f, 0f, new Shape(1, length, e)).exp(),
                    m.randomUniform(0f, 2.7f, new Shape(e, 16)).exp().neg(), m.randomNormal(new Shape(1, length, 16)),
                    m.randomNormal(new Shape(1, length, 16)), m.randomNormal(new Shape(e)));
            for (NDArray a : in) {
                a.setRequiresGradient(true);
            }
            long t0 = System.nanoTime();
            try (GradientCollector gc = engine.newGradientCollector()) {
                CheckpointTape tape = new CheckpointTape();
                NDArray loss;
                try (CheckpointTape.Scope s = tape.activate()) {
                    NDArray y = sequential
                            ? SelectiveScan.sequential(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), in.get(5))
                            : SelectiveScan.scan(in.get(0), in.get(1), in.get(2), in.get(3), in.get(4), in.get(5));
                    loss = y.square().mean();
                }
                tape.backward(loss);
            }
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    private static String ratio(double now, double before) {
        return Double.isNaN(before) || before <= 0 ? "-" : String.format(Locale.ROOT, "%.2f", now / before);
    }
}
