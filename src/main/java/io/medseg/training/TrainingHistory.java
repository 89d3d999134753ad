package io.medseg.training;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import io.medseg.io.AtomicFiles;

/**
 * The per-epoch record of a training run: kept in every checkpoint (so a resumed run continues its curves) and
 * written beside the model as {@code history.csv} and {@code history.json}. Non-finite numbers are written as
 * {@code nan}/{@code inf} in CSV and as the strings {@code "nan"} / {@code "inf"} / {@code "-inf"} in JSON. NaN is not
 * written as null because Gson drops null members unless told otherwise, and a dropped pseudo-Dice entry loses its
 * label (its CSV column after a resume); null and missing members are still read as NaN.
 */
public final class TrainingHistory {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();
    private final List<EpochRecord> records = new ArrayList<>();

    public void add(EpochRecord record) {
        if (record.epoch() != records.size()) {
            throw new IllegalArgumentException("epoch " + record.epoch() + " added after " + records.size() + " epochs");
        }
        records.add(record);
    }

    public List<EpochRecord> records() {
        return java.util.Collections.unmodifiableList(records);
    }

    public int size() {
        return records.size();
    }

    /** The record with the highest moving-average pseudo-Dice (the best checkpoint's epoch), or null if none. */
    public EpochRecord best() {
        EpochRecord best = null;
        for (EpochRecord r : records) {
            if (!Double.isNaN(r.emaPseudoDice()) && (best == null || r.emaPseudoDice() > best.emaPseudoDice())) {
                best = r;
            }
        }
        return best;
    }

    /** Foreground label names in column order (those of the first record). */
    public List<String> labels() {
        return records.isEmpty() ? List.of() : new ArrayList<>(records.get(0).pseudoDice().keySet());
    }

    public JsonArray toJson() {
        JsonArray a = new JsonArray();
        for (EpochRecord r : records) {
            JsonObject o = new JsonObject();
            o.addProperty("epoch", r.epoch());
            o.add("train_loss", number(r.trainLoss()));
            o.add("val_loss", number(r.validationLoss()));
            JsonObject dice = new JsonObject();
            r.pseudoDice().forEach((k, v) -> dice.add(k, number(v)));
            o.add("pseudo_dice", dice);
            o.add("mean_pseudo_dice", number(r.meanPseudoDice()));
            o.add("ema_pseudo_dice", number(r.emaPseudoDice()));
            o.add("learning_rate", number(r.learningRate()));
            o.add("seconds", number(r.seconds()));
            a.add(o);
        }
        return a;
    }

    /** Reads what {@link #toJson} wrote. */
    public static TrainingHistory fromJson(JsonElement json) {
        TrainingHistory h = new TrainingHistory();
        for (JsonElement e : json.getAsJsonArray()) {
            JsonObject o = e.getAsJsonObject();
            Map<String, Double> dice = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> d : o.getAsJsonObject("pseudo_dice").entrySet()) {
                dice.put(d.getKey(), number(d.getValue()));
            }
            h.add(new EpochRecord(o.get("epoch").getAsInt(), number(o.get("train_loss")), number(o.get("val_loss")),
                    dice, number(o.get("mean_pseudo_dice")), number(o.get("ema_pseudo_dice")),
                    number(o.get("learning_rate")), number(o.get("seconds"))));
        }
        return h;
    }

    /** One row per epoch: epoch, losses, pseudo-Dice per label, mean, EMA, rate, seconds. */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("epoch,train_loss,val_loss");
        List<String> labels = labels();
        for (String l : labels) {
            sb.append(",pseudo_dice_").append(l);
        }
        sb.append(",mean_pseudo_dice,ema_pseudo_dice,learning_rate,seconds\n");
        for (EpochRecord r : records) {
            sb.append(r.epoch()).append(',').append(csv(r.trainLoss())).append(',').append(csv(r.validationLoss()));
            for (String l : labels) {
                sb.append(',').append(csv(r.pseudoDice().getOrDefault(l, Double.NaN)));
            }
            sb.append(',').append(csv(r.meanPseudoDice())).append(',').append(csv(r.emaPseudoDice())).append(',')
                    .append(csv(r.learningRate())).append(',').append(csv(r.seconds())).append('\n');
        }
        return sb.toString();
    }

    /** Writes {@code history.csv} and {@code history.json} into {@code dir}, each atomically, replacing older ones. */
    public void write(Path dir) {
        String csv = toCsv();
        String json = GSON.toJson(toJson()) + "\n";
        AtomicFiles.write(dir.resolve("history.csv"), true, tmp -> Files.writeString(tmp, csv, StandardCharsets.UTF_8));
        AtomicFiles.write(dir.resolve("history.json"), true, tmp -> Files.writeString(tmp, json, StandardCharsets.UTF_8));
    }

    private static String csv(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private static JsonElement number(double v) {
        if (Double.isNaN(v)) {
            return new JsonPrimitive("nan");
        }
        if (Double.isInfinite(v)) {
            return new JsonPrimitive(v > 0 ? "inf" : "-inf");
        }
        return new JsonPrimitive(v);
    }

    private static double number(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return Double.NaN;
        }
        String s = e.getAsString();
        return switch (s) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> e.getAsDouble();
        };
    }
}
