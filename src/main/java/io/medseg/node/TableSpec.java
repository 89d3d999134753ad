package io.medseg.node;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns of a table and table-level properties (KNIME's DataTableSpec with its properties), e.g. a case table's
 * dimensionality, channel names and labels when the producing node knows them at configure time.
 */
public record TableSpec(List<ColumnSpec> columns, Map<String, String> properties) implements PortSpec {
    /** Property keys the case tables carry when known: dims ("2"/"3"), channels and labels ("name=value;..."). */
    public static final String DIMS = "dims";
    public static final String CHANNELS = "channels";
    public static final String LABELS = "labels";

    public TableSpec {
        columns = List.copyOf(columns);
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        java.util.Set<String> names = new java.util.HashSet<>();
        for (ColumnSpec c : columns) {
            if (!names.add(c.name())) {
                throw new IllegalArgumentException("duplicate column " + c.name());
            }
        }
    }

    public TableSpec(List<ColumnSpec> columns) {
        this(columns, Map.of());
    }

    @Override
    public PortKind kind() {
        return PortKind.TABLE;
    }

    /** Index of column {@code name}, or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    public List<String> names() {
        return columns.stream().map(ColumnSpec::name).toList();
    }

    /** This spec with more columns appended (a node that adds columns row by row, KNIME's ColumnRearranger). */
    public TableSpec append(ColumnSpec... more) {
        List<ColumnSpec> all = new ArrayList<>(columns);
        all.addAll(List.of(more));
        return new TableSpec(all, properties);
    }

    /** This spec with another property value. */
    public TableSpec withProperty(String key, String value) {
        Map<String, String> p = new LinkedHashMap<>(properties);
        p.put(key, value);
        return new TableSpec(columns, p);
    }

    /**
     * Checks that column {@code name} exists with type {@code type}; the message names the node, the input port and
     * the columns there are.
     */
    public void require(String nodeId, String port, String name, ColumnType type) {
        int i = indexOf(name);
        if (i < 0) {
            throw new SettingsException("node '" + nodeId + "': input '" + port + "' has no column '" + name
                    + "'; its columns are " + String.join(", ", names()));
        }
        if (columns.get(i).type() != type) {
            throw new SettingsException("node '" + nodeId + "': column '" + name + "' of input '" + port
                    + "' is " + columns.get(i).type().label() + ", expected " + type.label());
        }
    }
}
