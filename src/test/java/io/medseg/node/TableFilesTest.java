package io.medseg.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tables written as CSV and JSON; JSON reads back cell for cell (what a resumed run relies on). */
class TableFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesCsvAndRoundTripsJson() throws Exception {
        TableSpec spec = new TableSpec(List.of(new ColumnSpec("case", ColumnType.STRING),
                new ColumnSpec("n", ColumnType.INTEGER), new ColumnSpec("dice", ColumnType.DOUBLE),
                new ColumnSpec("label", ColumnType.PATH), new ColumnSpec("images", ColumnType.PATHS),
                new ColumnSpec("shape", ColumnType.INTEGERS), new ColumnSpec("spacing", ColumnType.DOUBLES)),
                Map.of(TableSpec.DIMS, "2"));
        Table t = Table.builder(spec)
                .add("a,b", 3L, Double.NaN, Path.of("x/y.nii.gz"), List.of(Path.of("p0"), Path.of("p1")),
                        new long[] { 4, 5 }, new double[] { 0.5, Double.POSITIVE_INFINITY })
                .add("c", null, Double.NEGATIVE_INFINITY, null, null, null, null).build();
        TableFiles.writeCsv(t, dir.resolve("t.csv"));
        assertEquals(List.of("case,n,dice,label,images,shape,spacing", "\"a,b\",3,nan,x/y.nii.gz,p0;p1,4;5,0.5;inf",
                "c,,-inf,,,,"), Files.readAllLines(dir.resolve("t.csv")));
        TableFiles.writeJson(t, dir.resolve("t.json"));
        Table back = TableFiles.readJson(dir.resolve("t.json"));
        assertEquals(spec, back.spec());
        for (int r = 0; r < 2; r++) {
            Object[] a = t.rows().get(r).cells();
            Object[] b = back.rows().get(r).cells();
            for (int c = 0; c < a.length; c++) {
                if (a[c] instanceof long[] x) {
                    assertArrayEquals(x, (long[]) b[c]);
                } else if (a[c] instanceof double[] x) {
                    assertArrayEquals(x, (double[]) b[c]);
                } else {
                    assertEquals(a[c], b[c], "row " + r + " column " + c);
                }
            }
        }
    }
}
