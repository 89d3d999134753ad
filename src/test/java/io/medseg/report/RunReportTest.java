package io.medseg.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medseg.node.ColumnSpec;
import io.medseg.node.ColumnType;
import io.medseg.node.RunContext.ReportImage;
import io.medseg.node.PortData;
import io.medseg.node.Table;
import io.medseg.node.TableSpec;
import io.medseg.workflow.NodeRun;
import io.medseg.workflow.RunResult;
import io.medseg.workflow.WorkflowDefinition;

/**
 * The report's order and folding, on a run of three nodes: a 30-case table, training with learning curves, and scores
 * whose lesion Dice leaves one case out.
 */
class RunReportTest {
    @TempDir
    Path runDir;

    @Test
    void leadsWithStatusDiceCurvesAndOverlaysThenFoldedDetails() throws Exception {
        Table.Builder cases = Table.builder(new TableSpec(List.of(new ColumnSpec("case", ColumnType.STRING))));
        for (int c = 0; c < 30; c++) {
            cases.add(String.format("case_%03d", c));
        }
        TableSpec summarySpec = new TableSpec(List.of(new ColumnSpec("label", ColumnType.INTEGER),
                new ColumnSpec("metric", ColumnType.STRING), new ColumnSpec("mean", ColumnType.DOUBLE),
                new ColumnSpec("std", ColumnType.DOUBLE), new ColumnSpec("median", ColumnType.DOUBLE),
                new ColumnSpec("n", ColumnType.INTEGER), new ColumnSpec("n_undefined", ColumnType.INTEGER),
                new ColumnSpec("n_infinite", ColumnType.INTEGER))).withProperty(TableSpec.LABELS, "organ=1;lesion=2");
        Table summary = Table.builder(summarySpec).add(1L, "dice", 0.9, 0.01, 0.9, 4L, 0L, 0L)
                .add(2L, "dice", 0.5, 0.1, 0.5, 3L, 1L, 0L).add(2L, "hd95", 3.0, 0.0, 3.0, 2L, 1L, 1L).build();
        Path curves = png("learner/learning_curves.png");
        Path overlay = png("viewer/overlays/case_028.png");
        List<NodeRun> nodes = List.of(
                run("data", Map.of("cases", cases.build()), List.of()),
                run("learner", Map.of(), List.of(new ReportImage(curves, "Learning curves: losses"))),
                run("scorer", Map.of("summary", summary), List.of()),
                run("viewer", Map.of(), List.of(new ReportImage(overlay, "case_028: overlay"))));
        RunResult result = new RunResult(new WorkflowDefinition("w", "", List.of(), List.of()), runDir,
                RunResult.Status.SUCCEEDED, Instant.EPOCH, 12, nodes);
        String html = RunReport.render(result);
        assertEquals(List.of(), HtmlCheck.problems(html, runDir));

        int dice = html.indexOf("<h2>Dice (scorer)</h2>");
        int learningCurves = html.indexOf("alt=\"Learning curves: losses\"");
        int overlays = html.indexOf("alt=\"case_028: overlay\"");
        int details = html.indexOf("<h2>Details</h2>");
        int casesTable = html.indexOf("<td>case_000</td>");
        assertTrue(html.indexOf("succeeded (exit status 0)") < dice, "status first");
        assertTrue(dice > 0 && dice < learningCurves && learningCurves < overlays && overlays < details
                && details < casesTable, "order: " + List.of(dice, learningCurves, overlays, details, casesTable));
        assertTrue(html.indexOf("<td>case_000</td>") == html.lastIndexOf("<td>case_000</td>"), "table once");

        // the Dice rows say how many cases their statistics leave out
        assertTrue(html.contains("<td>2 lesion</td><td class=\"num\">0.5000</td><td class=\"num\">0.1000</td>"
                + "<td class=\"num\">0.5000</td><td class=\"num\">3</td><td>1 undefined</td>"), html);
        assertTrue(html.contains("<td class=\"num\">4</td><td></td>"), "nothing left out of the organ's Dice");

        // the 30-row table starts folded, the 3-row summary open; settings always folded
        assertEquals("<details>", detailsAround(html, "<td>case_000</td>"));
        assertEquals("<details open>", detailsAround(html, "<td>hd95</td>"));
        assertTrue(html.contains("<details><summary>settings (1)</summary>"), html);
    }

    /** The opening {@code <details...>} tag of the element holding {@code marker}. */
    private static String detailsAround(String html, String marker) {
        int at = html.indexOf(marker);
        Matcher m = Pattern.compile("<details( open)?>").matcher(html.substring(0, at));
        String last = null;
        while (m.find()) {
            last = m.group();
        }
        assertTrue(html.lastIndexOf("</details>", at) < html.lastIndexOf(last, at), marker + " is not folded");
        return last;
    }

    private static NodeRun run(String id, Map<String, PortData> outputs, List<ReportImage> images) {
        return new NodeRun(id, id + "-type", "Node " + id, NodeRun.Status.SUCCEEDED, 1, Map.of("setting", "1"),
                outputs, List.of(), new ArrayList<>(), images, null);
    }

    private Path png(String relative) throws Exception {
        Path file = runDir.resolve(relative);
        Files.createDirectories(file.getParent());
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
        return file;
    }
}
