package io.medseg.preprocessing;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.medseg.MedSegException;

/**
 * {@code --set field=value} overrides of the planner's choices, parsed into {@link PlannerSettings}. Field names are
 * accepted in the plan JSON's camelCase or in snake_case; every error names the field and what was expected.
 */
public final class PlanOverrides {
    private PlanOverrides() {
    }

    /** The settings with every {@code field=value} applied in order. */
    public static PlannerSettings apply(PlannerSettings settings, List<String> assignments) {
        PlannerSettings s = settings;
        for (String assignment : assignments) {
            s = apply(s, assignment);
        }
        return s;
    }

    public static PlannerSettings apply(PlannerSettings s, String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new MedSegException("--set '" + assignment + "': expected field=value, e.g. patch_size=64,64");
        }
        String field = assignment.substring(0, eq).trim();
        String value = assignment.substring(eq + 1).trim();
        String key = field.replace("_", "").toLowerCase(Locale.ROOT);
        return switch (key) {
            case "patchsize" -> s.withPatchSize(longs(field, value));
            case "batchsize" -> s.withBatchSize((int) positive(field, value));
            case "targetspacing" -> s.withTargetSpacing(doubles(field, value));
            case "croptononzero" -> s.withCropToNonzero(bool(field, value));
            case "memory", "memorybudgetbytes" -> s.withMemory(MemorySize.parse(value, field));
            default -> throw new MedSegException("--set: unknown field '" + field
                    + "'; expected patch_size, batch_size, target_spacing, crop_to_nonzero or memory");
        };
    }

    private static String[] parts(String field, String value, String expected) {
        String v = value.replaceAll("^\\[|\\]$", "");
        String[] p = v.split("[,x]");
        if (v.isBlank() || Arrays.stream(p).anyMatch(String::isBlank)) {
            throw new MedSegException(field + " '" + value + "': expected " + expected);
        }
        return p;
    }

    private static long[] longs(String field, String value) {
        String expected = "positive whole numbers separated by commas, e.g. 128,128,64";
        String[] p = parts(field, value, expected);
        long[] r = new long[p.length];
        for (int i = 0; i < p.length; i++) {
            try {
                r[i] = Long.parseLong(p[i].trim());
            } catch (NumberFormatException e) {
                throw new MedSegException(field + " '" + value + "': expected " + expected);
            }
            if (r[i] < 1) {
                throw new MedSegException(field + " '" + value + "': expected " + expected);
            }
        }
        return r;
    }

    private static double[] doubles(String field, String value) {
        String expected = "positive spacings in mm separated by commas, e.g. 3,0.8,0.8";
        String[] p = parts(field, value, expected);
        double[] r = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            try {
                r[i] = Double.parseDouble(p[i].trim());
            } catch (NumberFormatException e) {
                throw new MedSegException(field + " '" + value + "': expected " + expected);
            }
            if (!(r[i] > 0) || Double.isInfinite(r[i])) {
                throw new MedSegException(field + " '" + value + "': expected " + expected);
            }
        }
        return r;
    }

    private static long positive(String field, String value) {
        try {
            long v = Long.parseLong(value);
            if (v >= 1 && v <= Integer.MAX_VALUE) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MedSegException(field + " '" + value + "': expected a whole number >= 1");
    }

    private static boolean bool(String field, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new MedSegException(field + " '" + value + "': expected true or false");
        };
    }
}
