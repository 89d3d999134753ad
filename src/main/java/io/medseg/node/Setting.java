package io.medseg.node;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import io.medseg.Range;

/**
 * One typed node setting: a stable key (the name in workflow files, {@code --set} and KNIME's NodeSettings), a
 * default, a description and a parser that either returns the typed value or says what is allowed. Values arrive as
 * text (workflow JSON, command line) and are parsed once, when the settings are resolved.
 *
 * @param key          stable key, lower snake case
 * @param defaultValue the value used when the workflow sets none; null = the setting is required
 * @param description  one sentence for help texts and the generated node description
 * @param allowed      what a valid value looks like, as error messages and help texts show it
 * @param parser       text → typed value; throws IllegalArgumentException (or the engine's MedSegException) for
 *                     invalid text
 */
public record Setting(String key, String defaultValue, String description, String allowed,
        Function<String, Object> parser) {

    public Setting {
        if (!key.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("setting keys are lower snake case, got '" + key + "'");
        }
    }

    /** Whether the setting must be given (it has no default). */
    public boolean required() {
        return defaultValue == null;
    }

    /** How problems name this setting: {@code node 'ID': setting 'KEY'}. */
    public String name(String nodeId) {
        return name(nodeId, key);
    }

    /** How problems name setting {@code key} of node {@code nodeId}. */
    public static String name(String nodeId, String key) {
        return "node '" + nodeId + "': setting '" + key + "'";
    }

    /** Parses {@code text}; the exception's message is the full one-line explanation. */
    Object parse(String nodeId, String text) {
        try {
            return parser.apply(text.trim());
        } catch (IllegalArgumentException | io.medseg.MedSegException e) {
            throw new SettingsException(Range.problem(name(nodeId), allowed, text));
        }
    }

    /** A whole number in [min, max]. */
    public static Setting integer(String key, long defaultValue, long min, long max, String description) {
        return integer(key, defaultValue, Range.integers(min, max), description);
    }

    /** A whole number in {@code range} (a range shared with the command line and the engine). */
    public static Setting integer(String key, long defaultValue, Range range, String description) {
        return new Setting(key, Long.toString(defaultValue), description, range.allowed(),
                t -> checkRange(Long.parseLong(t), range));
    }

    /** A whole number in [min, max], or empty for "let the engine decide" (parsed as null). */
    public static Setting optionalInteger(String key, long min, long max, String description) {
        return optionalInteger(key, Range.integers(min, max), description);
    }

    /** A whole number in {@code range}, or empty for "let the engine decide" (parsed as null). */
    public static Setting optionalInteger(String key, Range range, String description) {
        return new Setting(key, "", description, range.allowed() + " or empty",
                t -> t.isEmpty() ? null : checkRange(Long.parseLong(t), range));
    }

    /** A finite number in [min, max]. */
    public static Setting number(String key, double defaultValue, double min, double max, String description) {
        return number(key, defaultValue, Range.numbers(min, max), description);
    }

    /** A finite number in {@code range}. */
    public static Setting number(String key, double defaultValue, Range range, String description) {
        return new Setting(key, Double.toString(defaultValue), description, range.allowed(),
                t -> checkRange(Double.parseDouble(t), range));
    }

    /** A finite number greater than 0, or empty (parsed as null). */
    public static Setting optionalPositive(String key, String description) {
        return optionalNumber(key, Range.positive(), description);
    }

    /** A finite number in {@code range}, or empty (parsed as null). */
    public static Setting optionalNumber(String key, Range range, String description) {
        return new Setting(key, "", description, range.allowed() + " or empty",
                t -> t.isEmpty() ? null : checkRange(Double.parseDouble(t), range));
    }

    public static Setting bool(String key, boolean defaultValue, String description) {
        return new Setting(key, Boolean.toString(defaultValue), description, "true or false",
                t -> switch (t.toLowerCase(Locale.ROOT)) {
                    case "true" -> Boolean.TRUE;
                    case "false" -> Boolean.FALSE;
                    default -> throw new IllegalArgumentException();
                });
    }

    /** One of a fixed set of words (compared case-insensitively, returned in lower case). */
    public static Setting choice(String key, String defaultValue, String description, String... values) {
        List<String> allowed = Arrays.asList(values);
        return new Setting(key, defaultValue, description, "one of " + String.join(", ", values), t -> {
            String v = t.toLowerCase(Locale.ROOT);
            if (!allowed.contains(v)) {
                throw new IllegalArgumentException();
            }
            return v;
        });
    }

    /** Free text (may be empty). */
    public static Setting text(String key, String defaultValue, String description) {
        return new Setting(key, defaultValue, description, "text", t -> t);
    }

    /** A file or folder path; required when {@code defaultValue} is null; empty text is never valid. */
    public static Setting path(String key, String defaultValue, String description) {
        return new Setting(key, defaultValue, description, "a file or folder path", t -> {
            if (t.isEmpty()) {
                throw new IllegalArgumentException();
            }
            return Path.of(t);
        });
    }

    /** Positive whole numbers separated by commas (e.g. a patch size), or empty (parsed as null). */
    public static Setting optionalSizes(String key, String description) {
        return new Setting(key, "", description, "positive integers separated by commas (e.g. 64,64) or empty", t -> {
            if (t.isEmpty()) {
                return null;
            }
            List<Long> values = new ArrayList<>();
            for (String p : t.replaceAll("^\\[|\\]$", "").split(",")) {
                values.add(checkRange(Long.parseLong(p.trim()), Range.integers(1, Integer.MAX_VALUE)));
            }
            return values.stream().mapToLong(Long::longValue).toArray();
        });
    }

    /** Positive numbers separated by commas (e.g. a spacing in mm), or empty (parsed as null). */
    public static Setting optionalSpacing(String key, String description) {
        return new Setting(key, "", description, "positive numbers separated by commas (e.g. 1,0.8,0.8) or empty",
                t -> {
                    if (t.isEmpty()) {
                        return null;
                    }
                    String[] parts = t.replaceAll("^\\[|\\]$", "").split(",");
                    double[] values = new double[parts.length];
                    for (int i = 0; i < parts.length; i++) {
                        values[i] = Double.parseDouble(parts[i].trim());
                        if (!(values[i] > 0) || Double.isInfinite(values[i])) {
                            throw new IllegalArgumentException();
                        }
                    }
                    return values;
                });
    }

    private static <T extends Number> T checkRange(T v, Range range) {
        if (!range.contains(v.doubleValue())) {
            throw new IllegalArgumentException();
        }
        return v;
    }
}
