package io.medseg.node;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import io.medseg.MedSegException;
import io.medseg.evaluation.ScoreFiles;
import io.medseg.io.AtomicFiles;

/**
 * Writes tables as CSV (for spreadsheets and KNIME's CSV Reader) and JSON (with the column types), atomically.
 * List cells join their values with ';'; numbers use the score files' conventions (nan, inf).
 */
public final class TableFiles {
    private TableFiles() {
    }

    public static void writeCsv(Table table, Path file) {
        AtomicFiles.write(file, false, tmp -> {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write(table.spec().names().stream().map(TableFiles::quote).collect(Collectors.joining(",")));
                w.write('\n');
                for (Table.Row row : table.rows()) {
                    Object[] cells = row.cells();
                    StringBuilder line = new StringBuilder();
                    for (int i = 0; i < cells.length; i++) {
                        if (i > 0) {
                            line.append(',');
                        }
                        line.append(quote(text(cells[i])));
                    }
                    w.write(line.append('\n').toString());
                }
            }
        });
    }

    public static void writeJson(Table table, Path file) {
        JsonObject doc = new JsonObject();
        JsonArray columns = new JsonArray();
        for (ColumnSpec c : table.spec().columns()) {
            JsonObject o = new JsonObject();
            o.addProperty("name", c.name());
            o.addProperty("type", c.type().label());
            columns.add(o);
        }
        doc.add("columns", columns);
        JsonObject props = new JsonObject();
        table.spec().properties().forEach(props::addProperty);
        doc.add("properties", props);
        JsonArray rows = new JsonArray();
        for (Table.Row row : table.rows()) {
            JsonObject o = new JsonObject();
            Object[] cells = row.cells();
            for (int i = 0; i < cells.length; i++) {
                o.add(table.spec().columns().get(i).name(), json(cells[i]));
            }
            rows.add(o);
        }
        doc.add("rows", rows);
        String text = new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(doc) + "\n";
        AtomicFiles.write(file, false, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    /** Reads a table written by {@link #writeJson}, with its column types and properties. */
    public static Table readJson(Path file) {
        try {
            JsonObject doc = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
            List<ColumnSpec> columns = new ArrayList<>();
            for (JsonElement c : doc.getAsJsonArray("columns")) {
                JsonObject o = c.getAsJsonObject();
                columns.add(new ColumnSpec(o.get("name").getAsString(),
                        ColumnType.valueOf(o.get("type").getAsString().toUpperCase(java.util.Locale.ROOT))));
            }
            Map<String, String> properties = new LinkedHashMap<>();
            doc.getAsJsonObject("properties").entrySet().forEach(e -> properties.put(e.getKey(),
                    e.getValue().getAsString()));
            Table.Builder b = Table.builder(new TableSpec(columns, properties));
            for (JsonElement r : doc.getAsJsonArray("rows")) {
                JsonObject row = r.getAsJsonObject();
                Object[] cells = new Object[columns.size()];
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = cell(columns.get(i).type(), row.get(columns.get(i).name()));
                }
                b.add(cells);
            }
            return b.build();
        } catch (IOException e) {
            throw new MedSegException(file + ": cannot read table (" + AtomicFiles.describe(e) + ")", e);
        } catch (RuntimeException e) {
            throw new MedSegException(file + ": not a MedSeg table (" + e.getMessage() + ")", e);
        }
    }

    private static Object cell(ColumnType type, JsonElement v) {
        if (v == null || v.isJsonNull()) {
            return type == ColumnType.DOUBLE ? Double.NaN : null;
        }
        return switch (type) {
            case STRING -> v.getAsString();
            case INTEGER -> v.getAsLong();
            case DOUBLE -> number(v);
            case PATH -> Path.of(v.getAsString());
            case PATHS -> v.getAsJsonArray().asList().stream().map(e -> Path.of(e.getAsString())).toList();
            case INTEGERS -> v.getAsJsonArray().asList().stream().mapToLong(JsonElement::getAsLong).toArray();
            case DOUBLES -> v.getAsJsonArray().asList().stream().mapToDouble(TableFiles::number).toArray();
        };
    }

    /** A JSON number, or the strings inf/-inf, or null for NaN (how {@link #writeJson} writes them). */
    private static double number(JsonElement v) {
        if (v.isJsonNull()) {
            return Double.NaN;
        }
        String t = v.getAsString();
        return t.equals("inf") ? Double.POSITIVE_INFINITY : t.equals("-inf") ? Double.NEGATIVE_INFINITY
                : v.getAsDouble();
    }

    /** A cell as CSV and report text: empty for missing values. */
    public static String text(Object cell) {
        if (cell == null) {
            return "";
        }
        if (cell instanceof Double d) {
            return ScoreFiles.csvNumber(d);
        }
        if (cell instanceof List<?> l) {
            return l.stream().map(String::valueOf).collect(Collectors.joining(";"));
        }
        if (cell instanceof long[] a) {
            return Arrays.stream(a).mapToObj(Long::toString).collect(Collectors.joining(";"));
        }
        if (cell instanceof double[] a) {
            return Arrays.stream(a).mapToObj(ScoreFiles::csvNumber).collect(Collectors.joining(";"));
        }
        return cell.toString();
    }

    private static JsonElement json(Object cell) {
        if (cell == null) {
            return JsonNull.INSTANCE;
        }
        if (cell instanceof Double d) {
            return Double.isNaN(d) ? JsonNull.INSTANCE
                    : Double.isInfinite(d) ? new JsonPrimitive(d > 0 ? "inf" : "-inf") : new JsonPrimitive(d);
        }
        if (cell instanceof Long l) {
            return new JsonPrimitive(l);
        }
        if (cell instanceof List<?> l) {
            JsonArray a = new JsonArray();
            l.forEach(v -> a.add(v.toString()));
            return a;
        }
        if (cell instanceof long[] v) {
            JsonArray a = new JsonArray();
            Arrays.stream(v).forEach(a::add);
            return a;
        }
        if (cell instanceof double[] v) {
            JsonArray a = new JsonArray();
            Arrays.stream(v).forEach(d -> a.add(json(d)));
            return a;
        }
        return new JsonPrimitive(cell.toString());
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
