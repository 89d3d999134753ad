package io.medseg.dataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import io.medseg.io.AtomicFiles;
import io.medseg.io.ImageFormat;

/**
 * Reads and writes {@code dataset.json}. Reading never stops at the first mistake: every missing key and bad value is
 * reported, and whatever could be read is kept, so the image files can still be checked against it.
 */
public final class DatasetJson {
    /** The file name nnU-Net expects in the dataset folder. */
    public static final String FILE_NAME = "dataset.json";

    /** What could be read from dataset.json, and everything wrong with it. */
    public record Reading(DatasetDescriptor descriptor, List<DatasetProblem> problems) {
        public Reading {
            problems = List.copyOf(problems);
        }
    }

    private DatasetJson() {
    }

    /** Reads {@code datasetDir/dataset.json}; never throws for content problems, they are in the result. */
    public static Reading read(Path datasetDir) {
        List<DatasetProblem> problems = new ArrayList<>();
        String text;
        try {
            text = Files.readString(datasetDir.resolve(FILE_NAME), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            problems.add(problem("missing; every nnU-Net dataset needs a dataset.json"));
            return new Reading(DatasetDescriptor.unknown(), problems);
        } catch (IOException e) {
            problems.add(problem("cannot read (" + AtomicFiles.describe(e) + ")"));
            return new Reading(DatasetDescriptor.unknown(), problems);
        }
        JsonElement root;
        try {
            root = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            problems.add(problem("not valid JSON (" + rootCauseMessage(e) + ")"));
            return new Reading(DatasetDescriptor.unknown(), problems);
        }
        if (!root.isJsonObject()) {
            problems.add(problem("expected a JSON object at the top level"));
            return new Reading(DatasetDescriptor.unknown(), problems);
        }
        JsonObject o = root.getAsJsonObject();
        DatasetDescriptor d = new DatasetDescriptor(channelNames(o, problems), labels(o, problems),
                numTraining(o, problems), fileEnding(o, problems));
        return new Reading(d, problems);
    }

    /** Writes a complete descriptor as {@code datasetDir/dataset.json} (atomically). */
    public static void write(DatasetDescriptor descriptor, Path datasetDir, boolean overwrite) {
        if (!descriptor.isComplete()) {
            throw new IllegalArgumentException("cannot write an incomplete dataset descriptor: " + descriptor);
        }
        String json = toJson(descriptor);
        AtomicFiles.write(datasetDir.resolve(FILE_NAME), overwrite,
                tmp -> Files.writeString(tmp, json, StandardCharsets.UTF_8));
    }

    /** The JSON text nnU-Net reads: channel_names, labels, numTraining, file_ending. */
    public static String toJson(DatasetDescriptor d) {
        JsonObject o = new JsonObject();
        JsonObject channels = new JsonObject();
        d.channelNames().forEach(channels::addProperty);
        o.add("channel_names", channels);
        JsonObject labels = new JsonObject();
        d.labels().forEach(labels::addProperty);
        o.add("labels", labels);
        o.addProperty("numTraining", d.numTraining());
        o.addProperty("file_ending", d.fileEnding());
        return new GsonBuilder().setPrettyPrinting().create().toJson(o) + "\n";
    }

    private static Map<String, String> channelNames(JsonObject o, List<DatasetProblem> problems) {
        JsonElement e = o.get("channel_names");
        if (e == null) {
            // nnU-Net v1 called this "modality"; say so, it is the most likely reason for the key to be missing
            problems.add(problem("missing key \"channel_names\"" + (o.has("modality")
                    ? " (found the nnU-Net v1 key \"modality\"; v2 calls it \"channel_names\")" : "")));
            return null;
        }
        if (!e.isJsonObject() || e.getAsJsonObject().size() == 0) {
            problems.add(problem("\"channel_names\" must be a non-empty object like {\"0\": \"CT\"}"));
            return null;
        }
        JsonObject c = e.getAsJsonObject();
        Map<String, String> names = new LinkedHashMap<>();
        boolean ok = true;
        for (int i = 0; i < c.size(); i++) {
            JsonElement name = c.get(Integer.toString(i));
            if (name == null || !isString(name)) {
                ok = false;
                break;
            }
            names.put(Integer.toString(i), name.getAsString());
        }
        if (!ok) {
            // the channel index is part of every image file name (_0000, _0001, ...), so the keys must be 0..n-1
            problems.add(problem("\"channel_names\" keys must be the channel indices \"0\".." + "\"" + (c.size() - 1)
                    + "\" with string values; found " + c.keySet()));
            return null;
        }
        return names;
    }

    private static Map<String, Integer> labels(JsonObject o, List<DatasetProblem> problems) {
        JsonElement e = o.get("labels");
        if (e == null) {
            problems.add(problem("missing key \"labels\""));
            return null;
        }
        if (!e.isJsonObject() || e.getAsJsonObject().size() == 0) {
            problems.add(problem("\"labels\" must be a non-empty object like {\"background\": 0, \"organ\": 1}"));
            return null;
        }
        Map<String, Integer> labels = new LinkedHashMap<>();
        boolean ok = true;
        Map<Integer, String> byValue = new HashMap<>();
        for (Map.Entry<String, JsonElement> entry : e.getAsJsonObject().entrySet()) {
            String name = entry.getKey();
            JsonElement v = entry.getValue();
            if (v.isJsonArray()) {
                problems.add(problem("\"labels\".\"" + name + "\" is a region (a list of label values); "
                        + "region-based training is not supported, give each label one integer value"));
                ok = false;
            } else if (!isNonNegativeInt(v)) {
                problems.add(problem("\"labels\".\"" + name + "\" must be a non-negative integer, found " + v));
                ok = false;
            } else {
                int value = v.getAsInt();
                String other = byValue.putIfAbsent(value, name);
                if (other != null) {
                    problems.add(problem("\"labels\": \"" + other + "\" and \"" + name + "\" share the value " + value));
                    ok = false;
                }
                labels.put(name, value);
            }
        }
        if (!ok) {
            return null;
        }
        if (!Integer.valueOf(0).equals(labels.get("background"))) {
            problems.add(problem("\"labels\" must map \"background\" to 0"));
            return null;
        }
        for (int v = 0; v < labels.size(); v++) {
            if (!byValue.containsKey(v)) {
                // nnU-Net builds its one-hot channels from the values 0..n-1, so gaps are an error there too
                problems.add(problem("\"labels\" values must be consecutive 0.." + (labels.size() - 1) + "; found "
                        + new java.util.TreeSet<>(labels.values())));
                return null;
            }
        }
        return labels;
    }

    private static Integer numTraining(JsonObject o, List<DatasetProblem> problems) {
        JsonElement e = o.get("numTraining");
        if (e == null) {
            problems.add(problem("missing key \"numTraining\""));
            return null;
        }
        if (!isNonNegativeInt(e)) {
            problems.add(problem("\"numTraining\" must be a non-negative integer, found " + e));
            return null;
        }
        return e.getAsInt();
    }

    private static String fileEnding(JsonObject o, List<DatasetProblem> problems) {
        JsonElement e = o.get("file_ending");
        if (e == null) {
            problems.add(problem("missing key \"file_ending\""));
            return null;
        }
        if (!isString(e) || !e.getAsString().startsWith(".")) {
            problems.add(problem("\"file_ending\" must be a string like \".nii.gz\", found " + e));
            return null;
        }
        String ending = e.getAsString();
        if (ImageFormat.detect(Path.of("x" + ending)) == null) {
            problems.add(problem("\"file_ending\" " + ending + " is not a supported image type; expected .nii, "
                    + ".nii.gz, .png, .tif or .tiff"));
            return null;
        }
        return ending;
    }

    private static boolean isString(JsonElement e) {
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    private static boolean isNonNegativeInt(JsonElement e) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            return false;
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        double d = p.getAsDouble();
        return d >= 0 && d <= Integer.MAX_VALUE && d == Math.rint(d);
    }

    private static DatasetProblem problem(String message) {
        return DatasetProblem.ofDataset(FILE_NAME, message);
    }

    private static String rootCauseMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
