package io.medseg.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.medseg.MedSegException;
import io.medseg.bench.LoaderBenchmark;
import io.medseg.bench.MixerBenchmark;
import io.medseg.bench.NetworkBenchmark;
import io.medseg.bench.ScanBenchmark;
import io.medseg.bench.SlidingWindowBenchmark;
import io.medseg.nn.networks.Architecture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code medseg bench WHAT}: benchmarks that print ratios measured in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = { "Run a benchmark and print its table. WHAT is one of:",
                "  mixers    sequence mixers: forward+backward time and peak memory against the sequence length, and",
                "            the scan's speed-up over the sequential loop;",
                "  scan      the CPU selective scan's forward+backward against L (--min-length 16384 --max-length",
                "            262144 for the 16k-256k linearity check): time, state updates/s, fraction of the FMA peak;",
                "  networks  every architecture (or --models) at 2D 128^2 and 3D 64^3 (or --dims): forward and",
                "            training-step time, peak memory, achieved MACs/s against the dense matrix-multiply rate,",
                "            LightM-UNet's step over the residual UNet's and without the Vector API module;",
                "  loader    training-patch loader with augmentation (1 and 2 threads) against a LightM-UNet training",
                "            step at 2D 128^2 and 3D 32^3 (--size-3d 64 for the full size): does loading starve training?",
                "  sliding-window  whole-image prediction (2D 512^2 / 256^2 with 128^2 patches, 3D 64^3 / 48^3 with 32^3",
                "            patches, with and without mirroring) against its forward passes alone: overhead and voxels/s." })
final class BenchCommand extends MedSegCommand {
    @Parameters(paramLabel = "WHAT", description = "Benchmark to run: mixers, scan, networks, loader or sliding-window.")
    String what;

    @Option(names = "--channels", defaultValue = "32", description = "Model dimension C of the mixers (default ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--min-length", defaultValue = "1024", description = "Shortest sequence (default ${DEFAULT-VALUE}).")
    int minLength;

    @Option(names = "--max-length", defaultValue = "262144", description = "Longest sequence (default ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed runs per length; the median is shown (default ${DEFAULT-VALUE}).")
    int repeats;



    @Option(names = "--models", split = ",", description = "bench networks: architectures to measure, e.g. "
            + "lightm-unet,residual-unet (default: all).")
    List<String> models;

    @Option(names = "--dims", split = ",", description = "bench networks: 2 (128^2), 3 (64^3) or 2,3 (default).")
    List<Integer> dims;

    @Option(names = "--batch", defaultValue = "1", description = "bench networks: images per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--rounds", defaultValue = "1", description = "bench networks: time every model this many times in "
            + "turn and take medians, LightM-UNet's ratio as the median of each round's (robust to a machine whose "
            + "speed drifts; default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--size-3d", defaultValue = "32", description = "bench loader: edge of the 3D patch; 64 is the "
            + "real setting but its LightM-UNet training step takes minutes on CPU (default ${DEFAULT-VALUE}).")
    int size3d;

    @Override
    public Integer call() {
        List<String> problems = new ArrayList<>();
        for (var positive : Map.of("--channels", channels, "--min-length", minLength, "--repeats", repeats, "--batch",
                batch, "--rounds", rounds).entrySet()) {
            if (positive.getValue() <= 0) {
                problems.add(positive.getKey() + " must be positive, got " + positive.getValue());
            }
        }
        if (maxLength < minLength) {
            problems.add("--max-length must be >= --min-length, got " + maxLength + " < " + minLength);
        }
        if (size3d < 16) {
            problems.add("--size-3d must be >= 16, got " + size3d);
        }
        if (!problems.isEmpty()) {
            throw new MedSegException("bench: " + String.join("; ", problems.stream().sorted().toList()));
        }
        switch (what) {
            case "mixers" -> new MixerBenchmark(out(), channels, minLength, maxLength, repeats).run();
            case "scan" -> new ScanBenchmark(out(), channels, minLength, maxLength, repeats).run();
            case "networks" -> new NetworkBenchmark(out(), repeats, architectures(), networkDims(), batch, rounds).run();
            case "loader" -> new LoaderBenchmark(out(), repeats, size3d).run();
            case "sliding-window" -> new SlidingWindowBenchmark(out(), repeats).run();
            default -> throw new MedSegException("bench: unknown benchmark '" + what
                    + "'; expected mixers, scan, networks, loader or sliding-window");
        }
        return 0;
    }

    private List<Architecture> architectures() {
        if (models == null || models.isEmpty()) {
            return List.of(Architecture.trainable());
        }
        return models.stream().map(Architecture::of).toList(); // an unknown name is a one-line error naming the choices
    }

    private List<Integer> networkDims() {
        if (dims == null || dims.isEmpty()) {
            return List.of(2, 3);
        }
        for (int d : dims) {
            if (d != 2 && d != 3) {
                throw new MedSegException("bench: --dims " + d + ": expected 2, 3 or 2,3");
            }
        }
        return List.copyOf(dims);
    }
}
