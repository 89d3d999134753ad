package io.medseg.preprocessing;

import java.util.Locale;

import io.medseg.MedSegException;

/** Memory sizes as users type them ("8G", "512M", "1.5GiB", "1073741824") and as the plan prints them. */
public final class MemorySize {
    private MemorySize() {
    }

    /** Bytes of a size with an optional binary unit K, M, G or T (with or without "i"/"iB"/"B"); {@code what} names the setting in errors. */
    public static long parse(String text, String what) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        String number = t.replaceAll("(I?B|[KMGT](I?B)?)$", "");
        String unit = t.substring(number.length());
        long scale = switch (unit.isEmpty() ? ' ' : unit.charAt(0)) {
            case ' ', 'B' -> 1L;
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            case 'T' -> 1L << 40;
            default -> 0L;
        };
        try {
            double v = Double.parseDouble(number.trim());
            if (scale == 0 || !(v > 0) || v * scale > Long.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return (long) (v * scale);
        } catch (NumberFormatException e) {
            throw new MedSegException(what + " '" + text + "' is not a memory size; expected e.g. 8G, 512M or a byte count");
        }
    }

    /** e.g. "8.0 GiB". */
    public static String format(long bytes) {
        String[] units = { "B", "KiB", "MiB", "GiB", "TiB" };
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
