package io.medseg.node;

import java.nio.file.Path;
import java.util.List;

/**
 * The types a table cell may hold, with their Java representation. Images travel as paths (KNIME's Path cells),
 * never as pixels in the table.
 */
public enum ColumnType {
    /** {@link String}. */
    STRING,
    /** {@link Long}. */
    INTEGER,
    /** {@link Double} (NaN allowed: undefined metrics). */
    DOUBLE,
    /** {@link Path}. */
    PATH,
    /** {@code List<Path>}: one file per image channel. */
    PATHS,
    /** {@code long[]}: a shape. */
    INTEGERS,
    /** {@code double[]}: a spacing. */
    DOUBLES;

    /** Whether {@code value} is this type's representation; null (a missing value) fits every type. */
    public boolean accepts(Object value) {
        return switch (this) {
            case STRING -> value == null || value instanceof String;
            case INTEGER -> value == null || value instanceof Long;
            case DOUBLE -> value == null || value instanceof Double;
            case PATH -> value == null || value instanceof Path;
            case PATHS -> value == null || value instanceof List<?> l && l.stream().allMatch(Path.class::isInstance);
            case INTEGERS -> value == null || value instanceof long[];
            case DOUBLES -> value == null || value instanceof double[];
        };
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
