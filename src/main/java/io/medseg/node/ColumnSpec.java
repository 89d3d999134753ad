package io.medseg.node;

/** A named, typed column. */
public record ColumnSpec(String name, ColumnType type) {
}
