package io.medseg.node;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Name → value maps (labels, channel names) as one property string, {@code background=0;organ=1}, so specs stay plain
 * text as KNIME's spec properties are.
 */
public final class NamedValues {
    private NamedValues() {
    }

    public static String encode(Map<String, ?> map) {
        StringBuilder b = new StringBuilder();
        for (var e : map.entrySet()) {
            if (b.length() > 0) {
                b.append(';');
            }
            b.append(e.getKey()).append('=').append(e.getValue());
        }
        return b.toString();
    }

    /** The map in encoded order; null for null text (a property not known at configure time). */
    public static Map<String, String> decode(String text) {
        if (text == null) {
            return null;
        }
        Map<String, String> m = new LinkedHashMap<>();
        if (text.isEmpty()) {
            return m;
        }
        for (String part : text.split(";")) {
            int eq = part.lastIndexOf('=');
            m.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return m;
    }
}
