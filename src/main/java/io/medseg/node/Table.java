package io.medseg.node;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A small in-memory table of typed cells (KNIME's BufferedDataTable, for the case-level tables MedSeg passes: one
 * row per case or metric, never pixels). Cells are checked against the spec when rows are added.
 */
public final class Table implements PortData {
    private final TableSpec spec;
    private final List<Object[]> rows;

    private Table(TableSpec spec, List<Object[]> rows) {
        this.spec = spec;
        this.rows = rows;
    }

    @Override
    public TableSpec spec() {
        return spec;
    }

    @Override
    public String summary() {
        return rows.size() + (rows.size() == 1 ? " row" : " rows") + ", " + spec.columns().size() + " columns";
    }

    public int size() {
        return rows.size();
    }

    public List<Row> rows() {
        List<Row> r = new ArrayList<>(rows.size());
        for (Object[] cells : rows) {
            r.add(new Row(cells));
        }
        return Collections.unmodifiableList(r);
    }

    public static Builder builder(TableSpec spec) {
        return new Builder(spec);
    }

    /** One row; typed getters by column name (a missing column is a programming error, checked in configure). */
    public final class Row {
        private final Object[] cells;

        private Row(Object[] cells) {
            this.cells = cells;
        }

        public Object get(String column) {
            int i = spec.indexOf(column);
            if (i < 0) {
                throw new IllegalArgumentException("no column " + column);
            }
            return cells[i];
        }

        public String string(String column) {
            return (String) get(column);
        }

        public Path path(String column) {
            return (Path) get(column);
        }

        @SuppressWarnings("unchecked")
        public List<Path> paths(String column) {
            return (List<Path>) get(column);
        }

        /** The cells in column order (a copy). */
        public Object[] cells() {
            return cells.clone();
        }
    }

    /** Collects rows, checking each cell's type. */
    public static final class Builder {
        private final TableSpec spec;
        private final List<Object[]> rows = new ArrayList<>();

        private Builder(TableSpec spec) {
            this.spec = spec;
        }

        public Builder add(Object... cells) {
            if (cells.length != spec.columns().size()) {
                throw new IllegalArgumentException(cells.length + " cells for " + spec.columns().size() + " columns");
            }
            for (int i = 0; i < cells.length; i++) {
                ColumnSpec c = spec.columns().get(i);
                if (!c.type().accepts(cells[i])) {
                    throw new IllegalArgumentException("column " + c.name() + " (" + c.type().label() + ") cannot hold "
                            + cells[i].getClass().getSimpleName());
                }
            }
            Object[] copy = cells.clone();
            for (int i = 0; i < copy.length; i++) {
                if (copy[i] instanceof List<?> l) {
                    copy[i] = List.copyOf(l);
                }
            }
            rows.add(copy);
            return this;
        }

        public Table build() {
            return new Table(spec, List.copyOf(rows));
        }
    }
}
