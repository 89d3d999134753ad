package io.medseg.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import io.medseg.MedSegException;
import io.medseg.engine.DjlEnvironment;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.Cost;
import io.medseg.nn.networks.ModelSummary;
import io.medseg.nn.networks.NetworkConfig;
import io.medseg.nn.networks.Networks;
import io.medseg.nn.networks.ThopConvention;
import io.medseg.nn.networks.lightm.LightMCost;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code medseg summary}: parameters and compute of a network, counted truly and the way papers count them. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = { "Print a network's true parameter count (checked against the built network), its true",
                "multiply-accumulates for one patch including the Mamba/mLSTM internals, and the counts under thop's",
                "convention that papers print (Mamba internals and GroupNorm invisible). For LightM-UNet also the",
                "published pre-fix variant, whose thop count is the paper's 1.87M / 457.62 GFLOPs at 1x1x128^3." })
final class SummaryCommand extends MedSegCommand {
    @Option(names = "--model", required = true, description = "One of: ${COMPLETION-CANDIDATES}.",
            completionCandidates = ModelNames.class)
    String model;

    @Option(names = "--dims", required = true, description = "2 or 3.")
    int dims;

    @Option(names = "--in-channels", defaultValue = "1", description = "Input channels (default ${DEFAULT-VALUE}).")
    int inChannels;

    @Option(names = "--classes", required = true, description = "Output classes including background.")
    int classes;

    @Option(names = "--patch", split = ",", paramLabel = "N",
            description = "Patch size per axis (default 256,256 in 2D, 128,128,128 in 3D).")
    long[] patch;

    /** Architecture ids for the help text. */
    static final class ModelNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Arrays.stream(Architecture.trainable()).map(Architecture::id).iterator();
        }
    }

    @Override
    public Integer call() {
        Architecture architecture = Architecture.of(model);
        if (dims != 2 && dims != 3) {
            throw new MedSegException("--dims must be 2 or 3, got " + dims);
        }
        long[] p = patch != null ? patch : dims == 2 ? new long[] { 256, 256 } : new long[] { 128, 128, 128 };
        NetworkConfig config = Networks.defaultConfig(architecture, dims, inChannels, classes, p);
        ModelSummary s = Networks.summary(config, p);
        long built = builtParameters(config, p);
        PrintWriter out = out();
        out.printf(Locale.ROOT, "model       %s (%dD, %d channel%s -> %d classes), patch %s%n", architecture, dims,
                inChannels, inChannels == 1 ? "" : "s", classes, join(p));
        if (config.plan() != null) {
            out.printf(Locale.ROOT, "plan        features %s, strides %s%s%n", Arrays.toString(config.plan().features()),
                    Arrays.deepToString(config.plan().strides()), config.deepSupervision() ? ", deep supervision" : "");
        }
        out.printf(Locale.ROOT, "parameters  %,d (%s)%n", s.parameters(),
                built == s.parameters() ? "the built network has the same" : "MISMATCH: the built network has " + built);
        out.printf(Locale.ROOT, "MACs        %.2f G per patch, true count incl. scans (%.2f GFLOPs as 2 x MACs)%n",
                s.macs() / 1e9, 2 * s.macs() / 1e9);
        out.printf(Locale.ROOT, "thop        %,d params, %.2f GFLOPs (the convention papers print)%n", s.thopParameters(),
                s.thopGflops());
        if (architecture == Architecture.LIGHTM_UNET) {
            ModelSummary paper = LightMCost.count(LightMCost.Variant.PAPER_PRE_FIX, inChannels, classes,
                    ThopConvention.CLASSIC, p);
            out.printf(Locale.ROOT, "paper       pre-fix variant the LightM-UNet paper measured: thop %,d params, %.2f GFLOPs;"
                    + " true %,d params, %.2f GMACs%n", paper.thopParameters(), paper.thopGflops(), paper.parameters(),
                    paper.macs() / 1e9);
        }
        out.println();
        out.printf(Locale.ROOT, "%-14s %14s %12s%n", "part", "parameters", "GMACs");
        for (Map.Entry<String, Cost> e : s.parts().entrySet()) {
            out.printf(Locale.ROOT, "%-14s %,14d %12.3f%n", e.getKey(), e.getValue().parameters(), e.getValue().macs() / 1e9);
        }
        out.flush();
        if (built != s.parameters()) {
            throw new MedSegException("summary: the analytic parameter count disagrees with the built network");
        }
        return 0;
    }

    private static long builtParameters(NetworkConfig config, long[] patch) {
        try (NDManager m = DjlEnvironment.pytorch().newBaseManager()) {
            Block net = Networks.build(config, patch);
            net.initialize(m, DataType.FLOAT32, Networks.inputShape(config, patch));
            return ModelSummary.parameterCount(net);
        }
    }

    private static String join(long[] p) {
        return Arrays.stream(p).mapToObj(Long::toString).collect(Collectors.joining("x"));
    }
}
