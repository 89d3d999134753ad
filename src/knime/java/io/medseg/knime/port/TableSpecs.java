package io.medseg.knime.port;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.knime.core.data.DataColumnSpec;
import org.knime.core.data.DataColumnSpecCreator;
import org.knime.core.data.DataTableSpec;
import org.knime.core.data.DataTableSpecCreator;
import org.knime.core.data.DataType;
import org.knime.core.data.DoubleValue;
import org.knime.core.data.LongValue;
import org.knime.core.data.StringValue;
import org.knime.core.data.collection.ListCell;
import org.knime.core.data.def.DoubleCell;
import org.knime.core.data.def.LongCell;
import org.knime.core.data.def.StringCell;
import org.knime.core.data.image.png.PNGImageContent;
import org.knime.filehandling.core.data.location.FSLocationValue;
import org.knime.filehandling.core.data.location.cell.SimpleFSLocationCellFactory;

import io.medseg.node.ColumnSpec;
import io.medseg.node.ColumnType;
import io.medseg.node.TableSpec;

/**
 * Engine table specs as KNIME DataTableSpecs and back: files as Path columns, numbers as Long/Double, shapes and
 * spacings as lists, the spec's properties (dims, channels, labels) as DataTableSpec properties.
 */
public final class TableSpecs {
    /** Suffix of the PNG image column shown beside a path column of PNG files. */
    public static final String IMAGE_SUFFIX = "_image";

    private TableSpecs() {
    }

    public static DataType knimeType(ColumnType type) {
        return switch (type) {
            case STRING -> StringCell.TYPE;
            case INTEGER -> LongCell.TYPE;
            case DOUBLE -> DoubleCell.TYPE;
            case PATH -> SimpleFSLocationCellFactory.TYPE;
            case PATHS -> ListCell.getCollectionType(SimpleFSLocationCellFactory.TYPE);
            case INTEGERS -> ListCell.getCollectionType(LongCell.TYPE);
            case DOUBLES -> ListCell.getCollectionType(DoubleCell.TYPE);
        };
    }

    /** The engine type of a KNIME column, or null for a column the engine has no type for. */
    public static ColumnType engineType(DataType type) {
        if (type.isCollectionType()) {
            ColumnType element = engineType(type.getCollectionElementType());
            return element == ColumnType.PATH ? ColumnType.PATHS : element == ColumnType.INTEGER
                    ? ColumnType.INTEGERS : element == ColumnType.DOUBLE ? ColumnType.DOUBLES : null;
        }
        // checked from the most specific value: an IntCell is also a DoubleValue
        if (type.isCompatible(FSLocationValue.class)) {
            return ColumnType.PATH;
        }
        if (type.isCompatible(LongValue.class)) {
            return ColumnType.INTEGER;
        }
        if (type.isCompatible(DoubleValue.class)) {
            return ColumnType.DOUBLE;
        }
        return type.isCompatible(StringValue.class) ? ColumnType.STRING : null;
    }

    /** {@code spec} in KNIME; each PATH column named in {@code imageColumns} gets a PNG column after it. */
    public static DataTableSpec toKnime(TableSpec spec, Set<String> imageColumns) {
        List<DataColumnSpec> columns = new ArrayList<>();
        for (ColumnSpec c : spec.columns()) {
            columns.add(new DataColumnSpecCreator(c.name(), knimeType(c.type())).createSpec());
            if (imageColumns.contains(c.name())) {
                columns.add(new DataColumnSpecCreator(c.name() + IMAGE_SUFFIX, PNGImageContent.TYPE).createSpec());
            }
        }
        return new DataTableSpecCreator().addColumns(columns.toArray(DataColumnSpec[]::new))
                .putProperties(spec.properties()).createSpec();
    }

    /** The engine's view of a KNIME table: the columns it has a type for, in order, with the properties. */
    public static TableSpec toEngine(DataTableSpec spec) {
        List<ColumnSpec> columns = new ArrayList<>();
        for (DataColumnSpec c : spec) {
            ColumnType type = engineType(c.getType());
            if (type != null) {
                columns.add(new ColumnSpec(c.getName(), type));
            }
        }
        return new TableSpec(columns, spec.getProperties());
    }
}
