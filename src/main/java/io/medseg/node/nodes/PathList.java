package io.medseg.node.nodes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.medseg.MedSegException;
import io.medseg.io.AtomicFiles;
import io.medseg.node.ColumnSpec;
import io.medseg.node.ColumnType;
import io.medseg.node.Table;
import io.medseg.node.TableSpec;

/**
 * A CSV list of cases for the dataset reader, the headless counterpart of feeding it a table of paths: header
 * {@code case,images,label[,split]}, one row per case, several channel images separated by ';', an empty label for
 * unlabelled cases. Relative paths are resolved against the CSV's folder. Values are not quoted (paths with commas
 * are not supported).
 */
final class PathList {
    static final TableSpec SPEC = new TableSpec(List.of(new ColumnSpec(CaseTable.CASE, ColumnType.STRING),
            new ColumnSpec(CaseTable.IMAGES, ColumnType.PATHS), new ColumnSpec(CaseTable.LABEL, ColumnType.PATH),
            new ColumnSpec(CaseTable.SPLIT, ColumnType.STRING)));

    private PathList() {
    }

    static Table read(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new MedSegException(csv + ": cannot read case list (" + AtomicFiles.describe(e) + ")", e);
        }
        List<String> header = lines.isEmpty() ? List.of() : Arrays.stream(lines.get(0).split(",", -1))
                .map(String::trim).toList();
        if (header.size() < 3 || !header.subList(0, 3).equals(List.of("case", "images", "label"))
                || (header.size() == 4 && !header.get(3).equals("split")) || header.size() > 4) {
            throw new MedSegException(csv + ": the header must be case,images,label or case,images,label,split, got '"
                    + (lines.isEmpty() ? "" : lines.get(0)) + "'");
        }
        Path base = csv.toAbsolutePath().getParent();
        Table.Builder b = Table.builder(SPEC);
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            if (f.length != header.size() || f[0].isBlank() || f[1].isBlank()) {
                throw new MedSegException(csv + ": line " + (i + 1) + " must have " + header.size()
                        + " fields with a case id and at least one image, got '" + lines.get(i) + "'");
            }
            List<Path> images = new ArrayList<>();
            for (String p : f[1].split(";")) {
                images.add(base.resolve(p.trim()).normalize());
            }
            Path label = f[2].isBlank() ? null : base.resolve(f[2].trim()).normalize();
            b.add(f[0].trim(), images, label, header.size() == 4 ? f[3].trim() : "train");
        }
        return b.build();
    }
}
