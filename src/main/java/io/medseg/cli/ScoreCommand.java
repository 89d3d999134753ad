package io.medseg.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.medseg.evaluation.CasePairs;
import io.medseg.evaluation.MetricSummary;
import io.medseg.evaluation.ScoreFiles;
import io.medseg.evaluation.ScoreReport;
import io.medseg.evaluation.Scoring;
import io.medseg.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code medseg score}: scores predicted segmentations against references per case and label. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = { "Score predicted label maps against reference label maps: Dice, IoU, HD95, ASSD, NSD and volume",
                "difference per case and label, with a per-label summary (mean, std, median over the n cases with a",
                "finite value, and how many were undefined or infinite).",
                "Distances are in mm on the voxel grid's spacing; surfaces are foreground voxels with a background voxel",
                "in their full 3^d neighbourhood; HD95 is the larger directed nearest-rank 95th percentile.",
                "Folders are paired by file name (nnU-Net: CASE.nii.gz in both). Volumes in mm^3 (mm^2 in 2D).",
                "One-slice volumes (i x j x 1) are scored as 2D images: surfaces and distances in the plane." })
final class ScoreCommand extends MedSegCommand {
    @Option(names = "--pred", required = true, paramLabel = "DIR_OR_FILE", description = "Predicted label map(s).")
    Path pred;

    @Option(names = "--ref", required = true, paramLabel = "DIR_OR_FILE", description = "Reference label map(s).")
    Path ref;

    @Option(names = "--labels", paramLabel = "L1,L2", split = ",",
            description = "Labels to score (default: every non-zero label found in any prediction or reference).")
    List<Integer> labels;

    @Option(names = { "--nsd-tolerance", "--tolerance" }, paramLabel = "MM", defaultValue = "" + Scoring.DEFAULT_NSD_TOLERANCE,
            description = "NSD tolerance in mm (default ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--json", description = "Print the scores and summary as JSON instead of the table "
            + "(the document --out writes beside the CSV).")
    boolean json;

    @Option(names = "--empty", paramLabel = "nan|one", defaultValue = "nan",
            description = "Scores when a label is absent from both prediction and reference: nan (left out of the "
                    + "summary) or one (perfect: Dice/IoU/NSD 1, distances 0). Default ${DEFAULT-VALUE}.")
    String empty;

    @Option(names = "--out", paramLabel = "FILE.csv",
            description = "Write per-case scores as CSV here and the scores with summary as JSON next to it (.json).")
    Path out;

    @Option(names = "--overwrite", description = "Replace existing output files.")
    boolean overwrite;

    /** Option names of the scorer setting keys the engine's problems use. */
    private static final Map<String, String> OPTIONS = Map.of("nsd_tolerance", "--nsd-tolerance", "empty", "--empty",
            "labels", "--labels");

    /** A thin caller of {@link Scoring}, which the Segmentation Scorer node wraps too; adds pairing and output. */
    @Override
    public Integer call() {
        Scoring scoring = Scoring.builder().optNsdTolerance(tolerance).optEmpty(empty).optLabels(labels)
                .optNames(key -> OPTIONS.getOrDefault(key, key)).build();
        Path jsonFile = out == null ? null : jsonNextTo(out);
        if (out != null) {
            // fail before the (slow) scoring rather than after it
            AtomicFiles.checkWritable(out.toAbsolutePath(), overwrite);
            AtomicFiles.checkWritable(jsonFile.toAbsolutePath(), overwrite);
        }
        CasePairs pairs = CasePairs.of(pred, ref);
        for (Path p : pairs.unmatchedPredictions()) {
            err().println("medseg: warning: " + p + ": no reference, not scored");
        }
        ScoreReport report = scoring.score(pairs.pairs(), (i, n, id) -> {
        }, () -> false);
        if (out != null) {
            ScoreFiles.writeCsv(report, out, overwrite);
            ScoreFiles.writeJson(report, jsonFile, overwrite);
        }
        if (json) {
            out().print(ScoreFiles.jsonText(report));
            out().flush();
        } else {
            printSummary(report, pairs.pairs().size(), out());
        }
        return 0;
    }

    private static Path jsonNextTo(Path csv) {
        String name = csv.getFileName().toString();
        String base = name.toLowerCase(Locale.ROOT).endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
        return csv.resolveSibling(base + ".json");
    }

    private static void printSummary(ScoreReport report, int cases, PrintWriter out) {
        out.println(cases + " case" + (cases == 1 ? "" : "s") + " scored");
        out.printf(Locale.ROOT, "%-6s %-16s %12s %12s %12s %5s %11s %10s%n", "label", "metric", "mean", "std",
                "median", "n", "n_undefined", "n_infinite");
        for (Map.Entry<Integer, Map<String, MetricSummary>> e : report.summary().entrySet()) {
            for (Map.Entry<String, MetricSummary> m : e.getValue().entrySet()) {
                MetricSummary s = m.getValue();
                out.printf(Locale.ROOT, "%-6d %-16s %12s %12s %12s %5d %11d %10d%n", e.getKey(), m.getKey(),
                        fmt(s.mean()), fmt(s.std()), fmt(s.median()), s.n(), s.undefined(), s.infinite());
            }
        }
        out.println("mean, std and median are over the n cases with a finite value; n_undefined (nan) and "
                + "n_infinite (inf) cases are left out");
        out.flush();
    }

    private static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : ScoreFiles.csvNumber(v);
    }
}
