package io.medseg.workflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;

import io.medseg.io.AtomicFiles;

/**
 * Reads and writes workflow files:
 *
 * <pre>
 * {"name": "...", "description": "...",
 *  "nodes": [{"id": "data", "type": "synthetic-dataset", "settings": {"dims": 2, "cases": 12}}, ...],
 *  "connections": [{"from": "data.cases", "to": "preprocess.cases"}, ...]}
 * </pre>
 *
 * Setting values may be JSON strings, numbers, booleans or arrays of numbers (written back as text, e.g. "64,64").
 * Reading is strict and reports every structural problem at once; unknown keys are errors so a typo cannot silently
 * drop a setting.
 */
public final class WorkflowFiles {
    private static final Set<String> TOP = Set.of("name", "description", "nodes", "connections");
    private static final Set<String> NODE = Set.of("id", "type", "settings");
    private static final Set<String> CONNECTION = Set.of("from", "to");

    private WorkflowFiles() {
    }

    public static WorkflowDefinition read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new WorkflowException(file + ": cannot read workflow file (" + AtomicFiles.describe(e) + ")");
        }
        String fallbackName = file.getFileName().toString().replaceFirst("\\.json$", "");
        return parse(text, file.toString(), fallbackName);
    }

    /** Parses workflow JSON; {@code source} names it in errors, {@code fallbackName} is used when it has no name. */
    public static WorkflowDefinition parse(String text, String source, String fallbackName) {
        JsonObject root;
        try {
            JsonReader reader = new JsonReader(new java.io.StringReader(text));
            reader.setStrictness(com.google.gson.Strictness.STRICT);
            JsonElement e = JsonParser.parseReader(reader);
            if (!e.isJsonObject()) {
                throw new WorkflowException(source + ": a workflow file holds one JSON object");
            }
            root = e.getAsJsonObject();
        } catch (com.google.gson.JsonParseException e) {
            throw new WorkflowException(source + ": not valid JSON (" + e.getMessage() + ")");
        }
        List<String> problems = new ArrayList<>();
        unknownKeys(root, TOP, source, problems);
        String name = string(root, "name", source, problems, false);
        String description = string(root, "description", source, problems, false);
        List<WorkflowDefinition.NodeEntry> nodes = new ArrayList<>();
        JsonArray nodeArray = array(root, "nodes", source, problems);
        for (int i = 0; nodeArray != null && i < nodeArray.size(); i++) {
            String where = source + ": nodes[" + i + "]";
            if (!nodeArray.get(i).isJsonObject()) {
                problems.add(where + ": expected an object with id, type and settings");
                continue;
            }
            JsonObject n = nodeArray.get(i).getAsJsonObject();
            unknownKeys(n, NODE, where, problems);
            String id = string(n, "id", where, problems, true);
            String type = string(n, "type", where, problems, true);
            Map<String, String> settings = settings(n, where + (id == null ? "" : " ('" + id + "')"), problems);
            if (id != null && type != null) {
                nodes.add(new WorkflowDefinition.NodeEntry(id, type, settings));
            }
        }
        List<WorkflowDefinition.Connection> connections = new ArrayList<>();
        JsonArray connArray = root.has("connections") ? array(root, "connections", source, problems) : new JsonArray();
        for (int i = 0; connArray != null && i < connArray.size(); i++) {
            String where = source + ": connections[" + i + "]";
            if (!connArray.get(i).isJsonObject()) {
                problems.add(where + ": expected {\"from\": \"node.port\", \"to\": \"node.port\"}");
                continue;
            }
            JsonObject c = connArray.get(i).getAsJsonObject();
            unknownKeys(c, CONNECTION, where, problems);
            PortRef from = portRef(c, "from", where, problems);
            PortRef to = portRef(c, "to", where, problems);
            if (from != null && to != null) {
                connections.add(new WorkflowDefinition.Connection(from, to));
            }
        }
        if (!problems.isEmpty()) {
            throw new WorkflowException(problems);
        }
        return new WorkflowDefinition(name == null ? fallbackName : name, description == null ? "" : description,
                nodes, connections);
    }

    public static String toJson(WorkflowDefinition w) {
        JsonObject root = new JsonObject();
        root.addProperty("name", w.name());
        root.addProperty("description", w.description());
        JsonArray nodes = new JsonArray();
        for (WorkflowDefinition.NodeEntry n : w.nodes()) {
            JsonObject o = new JsonObject();
            o.addProperty("id", n.id());
            o.addProperty("type", n.type());
            JsonObject s = new JsonObject();
            n.settings().forEach(s::addProperty);
            o.add("settings", s);
            nodes.add(o);
        }
        root.add("nodes", nodes);
        JsonArray connections = new JsonArray();
        for (WorkflowDefinition.Connection c : w.connections()) {
            JsonObject o = new JsonObject();
            o.addProperty("from", c.from().toString());
            o.addProperty("to", c.to().toString());
            connections.add(o);
        }
        root.add("connections", connections);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root) + "\n";
    }

    public static void write(WorkflowDefinition w, Path file) {
        String text = toJson(w);
        AtomicFiles.write(file, false, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    private static void unknownKeys(JsonObject o, Set<String> allowed, String where, List<String> problems) {
        for (String key : o.keySet()) {
            if (!allowed.contains(key)) {
                problems.add(where + ": unknown key '" + key + "'; expected " + String.join(", ",
                        allowed.stream().sorted().toList()));
            }
        }
    }

    private static String string(JsonObject o, String key, String where, List<String> problems, boolean required) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            if (required) {
                problems.add(where + ": '" + key + "' is missing");
            }
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            problems.add(where + ": '" + key + "' must be a string");
            return null;
        }
        return e.getAsString();
    }

    private static JsonArray array(JsonObject o, String key, String where, List<String> problems) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonArray()) {
            problems.add(where + ": '" + key + "' must be a list");
            return null;
        }
        return e.getAsJsonArray();
    }

    private static Map<String, String> settings(JsonObject n, String where, List<String> problems) {
        Map<String, String> settings = new LinkedHashMap<>();
        JsonElement e = n.get("settings");
        if (e == null) {
            return settings;
        }
        if (!e.isJsonObject()) {
            problems.add(where + ": 'settings' must be an object of setting key → value");
            return settings;
        }
        for (Map.Entry<String, JsonElement> s : e.getAsJsonObject().entrySet()) {
            String text = text(s.getValue());
            if (text == null) {
                problems.add(where + ": setting '" + s.getKey() + "' must be a string, number, boolean or a list of"
                        + " numbers");
            } else {
                settings.put(s.getKey(), text);
            }
        }
        return settings;
    }

    /** A setting value as the text settings parse: arrays of primitives become comma-separated lists. */
    private static String text(JsonElement v) {
        if (v.isJsonPrimitive()) {
            JsonPrimitive p = v.getAsJsonPrimitive();
            return p.isNumber() ? number(p) : p.getAsString();
        }
        if (v.isJsonArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonElement x : v.getAsJsonArray()) {
                if (!x.isJsonPrimitive()) {
                    return null;
                }
                parts.add(x.getAsJsonPrimitive().isNumber() ? number(x.getAsJsonPrimitive()) : x.getAsString());
            }
            return String.join(",", parts);
        }
        return null;
    }

    /** Integral numbers without ".0" so 5 reads as an integer setting; others as written. */
    private static String number(JsonPrimitive p) {
        java.math.BigDecimal d = p.getAsBigDecimal();
        return d.stripTrailingZeros().scale() <= 0 ? d.toBigInteger().toString() : p.getAsString();
    }

    private static PortRef portRef(JsonObject c, String key, String where, List<String> problems) {
        String text = string(c, key, where, problems, true);
        if (text == null) {
            return null;
        }
        PortRef ref = PortRef.parse(text);
        if (ref == null) {
            problems.add(where + ": '" + key + "' must be node.port, got '" + text + "'");
        }
        return ref;
    }
}
