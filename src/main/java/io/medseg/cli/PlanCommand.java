package io.medseg.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.medseg.MedSegException;
import io.medseg.dataset.SegmentationDataset;
import io.medseg.io.AtomicFiles;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.BackbonePlan;
import io.medseg.preprocessing.ChannelNormalization;
import io.medseg.preprocessing.DatasetFingerprint;
import io.medseg.preprocessing.FingerprintExtractor;
import io.medseg.engine.DeviceMemory;
import io.medseg.preprocessing.MemorySize;
import io.medseg.preprocessing.PlanFiles;
import io.medseg.preprocessing.PlanOverrides;
import io.medseg.preprocessing.Planner;
import io.medseg.preprocessing.PlannerSettings;
import io.medseg.preprocessing.PreprocessingPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code medseg plan}: fingerprints a dataset and writes the nnU-Net-style training plan for one network. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = { "Fingerprint an nnU-Net-layout dataset (spacings, shapes, foreground intensities, label voxels)",
                "and derive the plan: target spacing, normalisation, patch and batch size for a memory budget, and the",
                "network topology. Prints it and writes it as JSON." })
final class PlanCommand extends MedSegCommand {
    static final String DEFAULT_FILE = "medseg_plan.json";

    @Parameters(index = "0", paramLabel = "DATASET", description = "Dataset folder (dataset.json, imagesTr, labelsTr).")
    Path dataset;

    @Option(names = "--model", defaultValue = "residual-unet",
            description = "Network to plan for, one of: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).",
            completionCandidates = SummaryCommand.ModelNames.class)
    String model;

    @Option(names = "--dims", description = "2 or 3: the network's (default: the images'). 2 on a 3D dataset plans"
            + " nnU-Net's 2d configuration: a 2D network trained on slices of the volumes.")
    Integer dims;

    @Option(names = "--memory", defaultValue = "auto",
            description = "Training memory budget, e.g. 8G or 512M; auto (the default) uses the GPU's memory when DJL"
                    + " sees one, otherwise half of the machine's memory.")
    String memory;

    @Option(names = "--out", paramLabel = "FILE", description = "Plan file (default DATASET/" + DEFAULT_FILE + ").")
    Path out;

    @Option(names = "--overwrite", description = "Replace an existing plan file.")
    boolean overwrite;

    @Option(names = "--set", paramLabel = "FIELD=VALUE",
            description = "Override a choice: patch_size=64,64, batch_size=4, target_spacing=1,1, crop_to_nonzero=false,"
                    + " memory=4G. Repeatable.")
    List<String> overrides = new ArrayList<>();

    private long budget() {
        if (!"auto".equalsIgnoreCase(memory.trim())) {
            return MemorySize.parse(memory, "--memory");
        }
        DeviceMemory.Budget b = DeviceMemory.detect();
        out().println("memory      " + MemorySize.format(b.bytes()) + " from " + b.device() + " (--memory to choose)");
        return b.bytes();
    }

    @Override
    public Integer call() {
        Architecture arch = Architecture.of(model);
        if (dims != null && dims != 2 && dims != 3) {
            throw new MedSegException("--dims " + dims + ": expected 2 or 3");
        }
        PlannerSettings settings = PlanOverrides.apply(
                PlannerSettings.defaults(arch).withMemory(budget()).withDims(dims), overrides);
        Path target = out != null ? out : dataset.resolve(DEFAULT_FILE);
        // fail before the slow fingerprint rather than after it
        AtomicFiles.checkWritable(target.toAbsolutePath().normalize(), overwrite);
        DatasetFingerprint fp = FingerprintExtractor.extract(SegmentationDataset.open(dataset));
        if (dims != null) {
            Planner.checkDims(fp, dims, "--dims");
        }
        PreprocessingPlan plan = Planner.plan(fp, settings);
        PlanFiles.write(target, plan, overwrite);
        print(out(), fp, plan);
        out().println("written     " + target);
        return 0;
    }

    static void print(PrintWriter w, DatasetFingerprint fp, PreprocessingPlan p) {
        w.printf(Locale.ROOT, "dataset     %d training cases, %dD, %d channel(s), %d classes%n", fp.cases().size(),
                fp.dims(), p.channelNames().size(), p.labels().size());
        if (p.slicesVolumes()) {
            w.printf(Locale.ROOT, "slices      2D network on slices across axis %d (nnU-Net's 2d configuration)%n",
                    p.sliceAxis());
        }
        w.printf(Locale.ROOT, "spacing     %s mm%s%n", fmt(p.targetSpacing()), p.slicesVolumes()
                ? " in plane (axis " + p.sliceAxis() + " keeps each case's spacing)" : "");
        w.printf(Locale.ROOT, "crop        %s%n", p.cropToNonzero() ? "to the non-zero region" : "none");
        w.printf(Locale.ROOT, "patch       %s%n", Arrays.toString(p.patchSize()));
        w.printf(Locale.ROOT, "batch       %d (memory budget %s)%n", p.batchSize(), MemorySize.format(p.memoryBudgetBytes()));
        w.printf(Locale.ROOT, "network     %s%s%n", p.network().architecture(),
                p.network().deepSupervision() ? ", deep supervision" : "");
        BackbonePlan b = p.network().plan();
        if (b != null) {
            w.printf(Locale.ROOT, "  stages    %d%n", b.stages());
            w.printf(Locale.ROOT, "  features  %s%n", Arrays.toString(b.features()));
            w.printf(Locale.ROOT, "  kernels   %s%n", Arrays.deepToString(b.kernels()));
            w.printf(Locale.ROOT, "  strides   %s%n", Arrays.deepToString(b.strides()));
        } else {
            w.printf(Locale.ROOT, "  topology  fixed (LightM-UNet)%n");
        }
        for (int c = 0; c < p.normalization().size(); c++) {
            ChannelNormalization n = p.normalization().get(c);
            String detail = switch (n.scheme()) {
                case CT -> String.format(Locale.ROOT, "clip [%.1f, %.1f], mean %.2f, std %.2f", n.lower(), n.upper(),
                        n.mean(), n.std());
                case ZSCORE -> n.useMaskForNorm() ? "per-image z-score within the non-zero mask"
                        : "per-image z-score";
                case NONE -> "as is";
            };
            w.printf(Locale.ROOT, "channel %d   %s: %s %s%n", c, p.channelNames().get(String.valueOf(c)), n.scheme(), detail);
        }
        w.printf(Locale.ROOT, "resampling  image order %d, labels %s%n", p.resampling().imageOrder(),
                p.resampling().labelMode());
    }

    private static String fmt(double[] v) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            s.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.3f", v[i]));
        }
        return s.append(']').toString();
    }
}
