package io.medseg.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import io.medseg.MedSegException;
import io.medseg.dataset.SegmentationDataset;
import io.medseg.preprocessing.CaseCache;
import io.medseg.preprocessing.PlanFiles;
import io.medseg.preprocessing.PreprocessingPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code medseg preprocess DATASET}: applies a plan to every training case and caches the results on disk. */
@Command(name = "preprocess", mixinStandardHelpOptions = true,
        description = { "Crop, normalise and resample every labelled training case as the plan says (see `medseg plan`)",
                "and write them as binary case files that training reads fast. Each file keeps the mapping back to",
                "the original image (crop box, original grid and geometry)." })
final class PreprocessCommand extends MedSegCommand {
    @Parameters(index = "0", paramLabel = "DATASET", description = "Dataset folder (dataset.json, imagesTr, labelsTr).")
    Path dataset;

    @Option(names = "--plan", paramLabel = "FILE", description = "Plan file (default DATASET/" + PlanCommand.DEFAULT_FILE + ").")
    Path plan;

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for the case files (default DATASET/medseg_preprocessed).")
    Path out;

    @Option(names = "--overwrite", description = "Write into an existing, non-empty output folder.")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        SegmentationDataset ds = SegmentationDataset.open(dataset);
        Path planFile = plan != null ? plan : dataset.resolve(PlanCommand.DEFAULT_FILE);
        if (!Files.isRegularFile(planFile)) {
            throw new MedSegException(planFile + ": no plan file; run `medseg plan " + dataset + "` first or give --plan");
        }
        PreprocessingPlan p = PlanFiles.read(planFile);
        Path dir = out != null ? out : dataset.resolve("medseg_preprocessed");
        if (!overwrite && Files.isDirectory(dir)) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new MedSegException(dir + ": folder is not empty (use --overwrite to write into it)");
                }
            }
        }
        long t0 = System.nanoTime();
        List<Path> written = CaseCache.writeAll(ds, p, dir);
        out().printf(Locale.ROOT, "preprocessed %d cases to %s in %.1f s%n", written.size(), dir.toAbsolutePath(),
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
