package io.medseg.preprocessing;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonDeserializationContext;
import com.google.gson.JsonDeserializer;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSerializationContext;
import com.google.gson.JsonSerializer;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;

import io.medseg.MedSegException;
import io.medseg.io.AtomicFiles;

/**
 * Reads and writes {@code plan.json}: pretty JSON of a {@link PreprocessingPlan} with the record's field names.
 * Reading is strict (no comments or lenient syntax, no unknown or missing fields) because a user-edited plan with a
 * typo must fail loudly instead of silently training with a default.
 */
public final class PlanFiles {
    /** The normalisation entry's name for {@link ChannelNormalization#useMaskForNorm()}. */
    private static final String USE_MASK = "useMaskForNorm";
    private static final Gson GSON = withPlanAdapters(new GsonBuilder().setPrettyPrinting()
            .setStrictness(Strictness.STRICT)).create();

    /** Fields a plan may leave out: sliceAxis is only written for plans that slice volumes (and older plans lack it). */
    private static final Set<String> OPTIONAL = Set.of("sliceAxis");

    private PlanFiles() {
    }

    /** Registers what gson needs to read and write a plan inside another JSON document (e.g. a model header). */
    public static GsonBuilder withPlanAdapters(GsonBuilder builder) {
        return builder.registerTypeAdapter(ChannelNormalization.class, new NormalizationAdapter())
                .registerTypeAdapterFactory(new LegacyMaskForNorm());
    }

    public static String toJson(PreprocessingPlan plan) {
        return GSON.toJson(plan);
    }

    /** Writes the plan atomically; refuses to replace an existing file unless {@code overwrite}. */
    public static void write(Path path, PreprocessingPlan plan, boolean overwrite) {
        String json = toJson(plan) + "\n";
        AtomicFiles.write(path, overwrite, tmp -> Files.writeString(tmp, json, StandardCharsets.UTF_8));
    }

    /** Writes a new plan file; fails if it exists. */
    public static void write(Path path, PreprocessingPlan plan) {
        write(path, plan, false);
    }

    public static PreprocessingPlan read(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new MedSegException(path + ": no such plan file");
        } catch (IOException e) {
            throw new MedSegException(path + ": cannot read (" + AtomicFiles.describe(e) + ")", e);
        }
        return fromJson(text, path.toString());
    }

    /** Parses and checks a plan; {@code source} names it in errors. */
    public static PreprocessingPlan fromJson(String text, String source) {
        PreprocessingPlan plan;
        try {
            JsonElement tree = JsonParser.parseString(text);
            if (!tree.isJsonObject()) {
                throw new MedSegException(source + ": a plan must be a JSON object");
            }
            checkFields(tree.getAsJsonObject(), source);
            plan = GSON.fromJson(tree, PreprocessingPlan.class);
        } catch (MedSegException e) {
            throw e;
        } catch (RuntimeException e) {
            // gson reports syntax, type and record-constructor failures with assorted runtime exceptions
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new MedSegException(source + ": not a valid plan (" + root.getMessage() + ")");
        }
        validate(plan, source);
        return plan;
    }

    private static void checkFields(JsonObject o, String source) {
        Set<String> known = Arrays.stream(PreprocessingPlan.class.getRecordComponents()).map(RecordComponent::getName)
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        for (String key : o.keySet()) {
            if (!known.contains(key)) {
                throw new MedSegException(source + ": unknown field '" + key + "'; expected " + String.join(", ", known));
            }
        }
        for (String key : known) {
            if (!OPTIONAL.contains(key) && (!o.has(key) || o.get(key).isJsonNull())) {
                throw new MedSegException(source + ": field '" + key + "' is missing");
            }
        }
    }

    /** Checks the cross-field rules a hand-edited plan can break; {@code source} names the plan in errors. */
    public static void validate(PreprocessingPlan p, String source) {
        int dims = p.dims();
        if (dims != 2 && dims != 3) {
            throw new MedSegException(source + ": field 'dims' must be 2 or 3, got " + dims);
        }
        if (p.targetSpacing().length != dims || Arrays.stream(p.targetSpacing()).anyMatch(s -> !(s > 0))) {
            throw new MedSegException(source + ": field 'targetSpacing' needs " + dims + " positive values, got "
                    + Arrays.toString(p.targetSpacing()));
        }
        if (p.patchSize().length != dims || Arrays.stream(p.patchSize()).anyMatch(s -> s < 1)) {
            throw new MedSegException(source + ": field 'patchSize' needs " + dims + " positive values, got "
                    + Arrays.toString(p.patchSize()));
        }
        if (p.batchSize() < 1) {
            throw new MedSegException(source + ": field 'batchSize' must be >= 1, got " + p.batchSize());
        }
        if (p.normalization().size() != p.channelNames().size()) {
            throw new MedSegException(source + ": field 'normalization' needs one entry per channel ("
                    + p.channelNames().size() + "), got " + p.normalization().size());
        }
        if (p.network().dims() != dims || p.network().inChannels() != p.channelNames().size()
                || p.network().classes() != p.labels().size()) {
            throw new MedSegException(source + ": field 'network' must be " + dims + "D with "
                    + p.channelNames().size() + " input channels and " + p.labels().size() + " classes");
        }
        // the stored topology decides, so a hand-edited network plan is checked as written
        long[] d = io.medseg.nn.networks.Networks.sizeDivisor(p.network(), dims);
        for (int a = 0; a < dims; a++) {
            if (p.patchSize()[a] % d[a] != 0) {
                throw new MedSegException(source + ": field 'patchSize' " + Arrays.toString(p.patchSize()) + ": axis "
                        + a + " must be divisible by " + d[a] + " for " + p.network().architecture());
            }
        }
        if (p.sliceAxis() != null && (dims != 2 || p.sliceAxis() < 0 || p.sliceAxis() > 2)) {
            throw new MedSegException(source + ": field 'sliceAxis' must be 0, 1 or 2 in a 2D plan (the axis 3D volumes"
                    + " are sliced across), got " + p.sliceAxis() + " in a " + dims + "D plan");
        }
        if (!p.cropToNonzero() && p.normalization().stream().anyMatch(ChannelNormalization::useMaskForNorm)) {
            throw new MedSegException(source + ": field 'normalization' uses the non-zero mask (useMaskForNorm), which"
                    + " needs 'cropToNonzero' true");
        }
        if (p.memoryBudgetBytes() <= 0) {
            throw new MedSegException(source + ": field 'memoryBudgetBytes' must be positive");
        }
    }

    /**
     * Plans written before {@value #USE_MASK} existed normalised every z-score channel within the non-zero mask
     * whenever they cropped to it. Reading them so keeps predicting with an older model exactly as it was trained: the
     * missing entry is filled in from the plan's scheme and cropToNonzero before the plan is parsed.
     */
    private static final class LegacyMaskForNorm implements TypeAdapterFactory {
        @Override
        public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
            if (type.getRawType() != PreprocessingPlan.class) {
                return null;
            }
            TypeAdapter<T> delegate = gson.getDelegateAdapter(this, type);
            TypeAdapter<JsonElement> trees = gson.getAdapter(JsonElement.class);
            return new TypeAdapter<>() {
                @Override
                public void write(JsonWriter out, T plan) throws IOException {
                    delegate.write(out, plan);
                }

                @Override
                public T read(JsonReader in) throws IOException {
                    JsonElement tree = trees.read(in);
                    if (tree.isJsonObject()) {
                        fillIn(tree.getAsJsonObject());
                    }
                    return delegate.fromJsonTree(tree);
                }
            };
        }

        private static void fillIn(JsonObject plan) {
            JsonElement crop = plan.get("cropToNonzero");
            JsonElement norms = plan.get("normalization");
            if (crop == null || !crop.isJsonPrimitive() || norms == null || !norms.isJsonArray()) {
                return; // the strict checks report what is missing
            }
            for (JsonElement e : norms.getAsJsonArray()) {
                if (e.isJsonObject() && !e.getAsJsonObject().has(USE_MASK)) {
                    JsonObject n = e.getAsJsonObject();
                    JsonElement scheme = n.get("scheme");
                    n.addProperty(USE_MASK, crop.getAsBoolean() && scheme != null && scheme.isJsonPrimitive()
                            && NormalizationScheme.ZSCORE.name().equals(scheme.getAsString()));
                }
            }
        }
    }

    /** Infinite clipping bounds (no clipping) are written as null: JSON has no infinity. */
    private static final class NormalizationAdapter
            implements JsonSerializer<ChannelNormalization>, JsonDeserializer<ChannelNormalization> {
        @Override
        public JsonElement serialize(ChannelNormalization n, Type t, JsonSerializationContext c) {
            JsonObject o = new JsonObject();
            o.addProperty("scheme", n.scheme().name());
            o.addProperty("mean", n.mean());
            o.addProperty("std", n.std());
            o.add("lower", Double.isInfinite(n.lower()) ? JsonNull.INSTANCE : new JsonPrimitive(n.lower()));
            o.add("upper", Double.isInfinite(n.upper()) ? JsonNull.INSTANCE : new JsonPrimitive(n.upper()));
            o.addProperty(USE_MASK, n.useMaskForNorm());
            return o;
        }

        @Override
        public ChannelNormalization deserialize(JsonElement e, Type t, JsonDeserializationContext c) {
            JsonObject o = e.getAsJsonObject();
            for (String k : o.keySet()) {
                if (!Set.of("scheme", "mean", "std", "lower", "upper", USE_MASK).contains(k)) {
                    throw new JsonParseException("normalization: unknown field '" + k + "'");
                }
            }
            if (!o.has("scheme") || !o.has("mean") || !o.has("std") || !o.has(USE_MASK)) {
                throw new JsonParseException("normalization needs scheme, mean, std and " + USE_MASK);
            }
            NormalizationScheme scheme;
            try {
                scheme = NormalizationScheme.valueOf(o.get("scheme").getAsString());
            } catch (IllegalArgumentException ex) {
                throw new JsonParseException("normalization scheme '" + o.get("scheme").getAsString()
                        + "'; expected one of " + Arrays.toString(NormalizationScheme.values()));
            }
            return new ChannelNormalization(scheme, o.get("mean").getAsDouble(), o.get("std").getAsDouble(),
                    bound(o, "lower", Double.NEGATIVE_INFINITY), bound(o, "upper", Double.POSITIVE_INFINITY),
                    o.get(USE_MASK).getAsBoolean());
        }

        private static double bound(JsonObject o, String k, double none) {
            return !o.has(k) || o.get(k).isJsonNull() ? none : o.get(k).getAsDouble();
        }
    }
}
