package io.medseg.evaluation;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import io.medseg.io.AtomicFiles;

/**
 * Writes a {@link ScoreReport} as CSV (one row per case and label) and as JSON (flat case rows plus flat per-label
 * summary rows, see {@link #toJson}), each atomically; CSV columns and JSON keys are the same names
 * ({@link LabelMetrics#NAMES}). Undefined values are "nan" in CSV and null in JSON; infinities are "inf"/"-inf" in CSV
 * (what numpy and pandas parse) and the strings "inf"/"-inf" in JSON, which has no number for infinity.
 */
public final class ScoreFiles {
    private ScoreFiles() {
    }

    public static void writeCsv(ScoreReport report, Path target, boolean overwrite) {
        AtomicFiles.write(target, overwrite, tmp -> {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write("case,label," + String.join(",", LabelMetrics.NAMES) + "\n");
                for (CaseScores c : report.cases()) {
                    for (LabelMetrics m : c.labels()) {
                        StringBuilder row = new StringBuilder(csvField(c.caseId())).append(',').append(m.label());
                        for (double v : m.values()) {
                            row.append(',').append(csvNumber(v));
                        }
                        w.write(row.append('\n').toString());
                    }
                }
            }
        });
    }

    /**
     * The report as a JSON document of flat rows:
     *
     * <pre>
     * {"cases":   [{"case": ID, "label": L, "dice": ..., "iou": ..., "hd95": ..., "assd": ..., "nsd": ...,
     *               "volume_pred": ..., "volume_ref": ..., "volume_diff": ..., "volume_diff_rel": ...}, ...],
     *  "summary": [{"label": L, "metric": NAME, "mean": ..., "std": ..., "median": ..., "n": N,
     *               "n_undefined": U, "n_infinite": I}, ...]}
     * </pre>
     *
     * One case row per case and label (label a number), in case then label order; one summary row per label and
     * metric, the metric names being the case rows' keys ({@link LabelMetrics#NAMES}); its statistics are over the n
     * cases with a finite value, beside the counts of those left out ({@link MetricSummary}). NaN is null, infinities
     * the strings "inf" and "-inf". Distances in mm, volumes in mm^3 (mm^2 for 2D images).
     */
    public static JsonObject toJson(ScoreReport report) {
        JsonObject root = new JsonObject();
        JsonArray cases = new JsonArray();
        for (CaseScores c : report.cases()) {
            for (LabelMetrics m : c.labels()) {
                JsonObject row = new JsonObject();
                row.addProperty("case", c.caseId());
                row.addProperty("label", m.label());
                double[] v = m.values();
                for (int k = 0; k < v.length; k++) {
                    row.add(LabelMetrics.NAMES[k], jsonNumber(v[k]));
                }
                cases.add(row);
            }
        }
        root.add("cases", cases);
        JsonArray summary = new JsonArray();
        for (Map.Entry<Integer, Map<String, MetricSummary>> e : report.summary().entrySet()) {
            for (Map.Entry<String, MetricSummary> m : e.getValue().entrySet()) {
                JsonObject row = new JsonObject();
                row.addProperty("label", e.getKey());
                row.addProperty("metric", m.getKey());
                row.add("mean", jsonNumber(m.getValue().mean()));
                row.add("std", jsonNumber(m.getValue().std()));
                row.add("median", jsonNumber(m.getValue().median()));
                row.addProperty("n", m.getValue().n());
                row.addProperty("n_undefined", m.getValue().undefined());
                row.addProperty("n_infinite", m.getValue().infinite());
                summary.add(row);
            }
        }
        root.add("summary", summary);
        return root;
    }

    /** {@link #toJson} pretty-printed, with a final newline: what {@link #writeJson} writes and --json prints. */
    public static String jsonText(ScoreReport report) {
        return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(toJson(report)) + "\n";
    }

    public static void writeJson(ScoreReport report, Path target, boolean overwrite) {
        String text = jsonText(report);
        AtomicFiles.write(target, overwrite, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    /** Number formatting shared with the console table: nan, inf, -inf, or the shortest exact decimal. */
    public static String csvNumber(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return Double.toString(v).toLowerCase(Locale.ROOT);
    }

    private static JsonElement jsonNumber(double v) {
        if (Double.isNaN(v)) {
            return JsonNull.INSTANCE;
        }
        if (Double.isInfinite(v)) {
            return new JsonPrimitive(v > 0 ? "inf" : "-inf");
        }
        return new JsonPrimitive(v);
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
