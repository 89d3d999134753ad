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
 * Writes a {@link ScoreReport} as CSV (one row per case and label) and as JSON (cases plus per-label summary), each
 * atomically. Undefined values are "nan" in CSV and null in JSON; infinite distances are "inf" in CSV (what numpy and
 * pandas parse) and the string "inf" in JSON, which has no number for infinity.
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

    public static void writeJson(ScoreReport report, Path target, boolean overwrite) {
        JsonObject root = new JsonObject();
        JsonArray cases = new JsonArray();
        for (CaseScores c : report.cases()) {
            JsonObject jc = new JsonObject();
            jc.addProperty("case", c.caseId());
            JsonObject labels = new JsonObject();
            for (LabelMetrics m : c.labels()) {
                JsonObject jm = new JsonObject();
                double[] v = m.values();
                for (int k = 0; k < v.length; k++) {
                    jm.add(LabelMetrics.NAMES[k], jsonNumber(v[k]));
                }
                labels.add(Integer.toString(m.label()), jm);
            }
            jc.add("labels", labels);
            cases.add(jc);
        }
        root.add("cases", cases);
        JsonObject summary = new JsonObject();
        for (Map.Entry<Integer, Map<String, MetricSummary>> e : report.summary().entrySet()) {
            JsonObject perMetric = new JsonObject();
            for (Map.Entry<String, MetricSummary> m : e.getValue().entrySet()) {
                JsonObject s = new JsonObject();
                s.add("mean", jsonNumber(m.getValue().mean()));
                s.add("std", jsonNumber(m.getValue().std()));
                s.add("median", jsonNumber(m.getValue().median()));
                s.addProperty("n", m.getValue().n());
                perMetric.add(m.getKey(), s);
            }
            summary.add(Integer.toString(e.getKey()), perMetric);
        }
        root.add("summary", summary);
        String text = new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n";
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
