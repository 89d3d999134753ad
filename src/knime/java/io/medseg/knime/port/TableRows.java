package io.medseg.knime.port;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.knime.core.data.DataCell;
import org.knime.core.data.DataRow;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.DataTableSpecCreator;
import org.knime.core.data.DataType;
import org.knime.core.data.DoubleValue;
import org.knime.core.data.LongValue;
import org.knime.core.data.RowKey;
import org.knime.core.data.collection.CollectionCellFactory;
import org.knime.core.data.collection.CollectionDataValue;
import org.knime.core.data.def.DefaultRow;
import org.knime.core.data.def.DoubleCell;
import org.knime.core.data.def.LongCell;
import org.knime.core.data.def.StringCell;
import org.knime.core.data.image.png.PNGImageContent;
import org.knime.core.node.BufferedDataContainer;
import org.knime.core.node.BufferedDataTable;
import org.knime.core.node.CanceledExecutionException;
import org.knime.core.node.ExecutionContext;
import org.knime.core.node.ExecutionMonitor;
import org.knime.core.node.InvalidSettingsException;
import org.knime.filehandling.core.connections.FSCategory;
import org.knime.filehandling.core.connections.FSLocation;
import org.knime.filehandling.core.data.location.FSLocationValue;
import org.knime.filehandling.core.data.location.cell.SimpleFSLocationCellFactory;

import io.medseg.node.ColumnSpec;
import io.medseg.node.ColumnType;
import io.medseg.node.Table;
import io.medseg.node.TableSpec;

/** Engine tables as BufferedDataTables and back, cell by cell (case-level tables: a row per case, never pixels). */
public final class TableRows {
    private static final SimpleFSLocationCellFactory PATHS =
            new SimpleFSLocationCellFactory(FSCategory.LOCAL.toString(), null);

    private TableRows() {
    }

    public static BufferedDataTable toKnime(Table table, Set<String> imageColumns, ExecutionContext exec)
            throws IOException, CanceledExecutionException {
        DataTableSpec spec = TableSpecs.toKnime(table.spec(), imageColumns);
        BufferedDataContainer out = exec.createDataContainer(spec);
        List<ColumnSpec> columns = table.spec().columns();
        long index = 0;
        for (Table.Row row : table.rows()) {
            exec.checkCanceled();
            Object[] values = row.cells();
            List<DataCell> cells = new ArrayList<>();
            for (int c = 0; c < values.length; c++) {
                cells.add(cell(columns.get(c).type(), values[c]));
                if (imageColumns.contains(columns.get(c).name())) {
                    cells.add(values[c] == null ? DataType.getMissingCell()
                            : new PNGImageContent(Files.readAllBytes((Path) values[c])).toImageCell());
                }
            }
            out.addRowToTable(new DefaultRow(RowKey.createRowKey(index++), cells));
        }
        out.close();
        // the container rebuilds the spec with the columns' domains and leaves the table properties (dims, channels,
        // labels) behind, which downstream nodes configure from
        BufferedDataTable result = out.getTable();
        return result.getDataTableSpec().getProperties().equals(spec.getProperties()) ? result
                : exec.createSpecReplacerTable(result, new DataTableSpecCreator(result.getDataTableSpec())
                        .putProperties(spec.getProperties()).createSpec());
    }

    /** The engine's view of {@code table}: the columns {@link TableSpecs#toEngine} keeps. */
    public static Table toEngine(BufferedDataTable table, ExecutionMonitor exec)
            throws InvalidSettingsException, CanceledExecutionException {
        DataTableSpec knime = table.getDataTableSpec();
        TableSpec spec = TableSpecs.toEngine(knime);
        int[] source = spec.names().stream().mapToInt(knime::findColumnIndex).toArray();
        Table.Builder b = Table.builder(spec);
        try (var rows = table.iterator()) {
            while (rows.hasNext()) {
                exec.checkCanceled();
                DataRow row = rows.next();
                Object[] values = new Object[source.length];
                for (int c = 0; c < source.length; c++) {
                    values[c] = value(spec.columns().get(c), row.getCell(source[c]), row.getKey());
                }
                b.add(values);
            }
        }
        return b.build();
    }

    private static DataCell cell(ColumnType type, Object v) {
        if (v == null) {
            return DataType.getMissingCell();
        }
        return switch (type) {
            case STRING -> new StringCell((String) v);
            case INTEGER -> new LongCell((Long) v);
            case DOUBLE -> new DoubleCell((Double) v);
            case PATH -> PATHS.createCell(new FSLocation(FSCategory.LOCAL, v.toString()));
            case PATHS -> CollectionCellFactory.createListCell(((List<?>) v).stream()
                    .map(p -> cell(ColumnType.PATH, p)).toList());
            case INTEGERS -> CollectionCellFactory.createListCell(java.util.Arrays.stream((long[]) v)
                    .mapToObj(LongCell::new).toList());
            case DOUBLES -> CollectionCellFactory.createListCell(java.util.Arrays.stream((double[]) v)
                    .mapToObj(DoubleCell::new).toList());
        };
    }

    private static Object value(ColumnSpec column, DataCell cell, RowKey row) throws InvalidSettingsException {
        if (cell.isMissing()) {
            return null;
        }
        return switch (column.type()) {
            case STRING -> ((org.knime.core.data.StringValue) cell).getStringValue();
            case INTEGER -> ((LongValue) cell).getLongValue();
            case DOUBLE -> ((DoubleValue) cell).getDoubleValue();
            case PATH -> localPath(((FSLocationValue) cell).getFSLocation(), column, row);
            case PATHS -> {
                List<Path> paths = new ArrayList<>();
                for (DataCell p : (CollectionDataValue) cell) {
                    paths.add(localPath(((FSLocationValue) p).getFSLocation(), column, row));
                }
                yield paths;
            }
            case INTEGERS -> elements((CollectionDataValue) cell).mapToLong(c -> ((LongValue) c).getLongValue())
                    .toArray();
            case DOUBLES -> elements((CollectionDataValue) cell)
                    .mapToDouble(c -> ((DoubleValue) c).getDoubleValue()).toArray();
        };
    }

    private static java.util.stream.Stream<DataCell> elements(CollectionDataValue list) {
        return java.util.stream.StreamSupport.stream(list.spliterator(), false);
    }

    /** The engine reads files through java.nio, so only the local file system's paths can be handed to it. */
    private static Path localPath(FSLocation location, ColumnSpec column, RowKey row) throws InvalidSettingsException {
        if (!FSCategory.LOCAL.toString().equals(location.getFileSystemCategory())) {
            throw new InvalidSettingsException("column '" + column.name() + "', row '" + row + "': "
                    + location.getPath() + " is on the " + location.getFileSystemCategory()
                    + " file system; MedSeg reads local files only");
        }
        return Path.of(location.getPath());
    }
}
