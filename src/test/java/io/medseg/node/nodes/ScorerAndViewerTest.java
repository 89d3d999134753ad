package io.medseg.node.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medseg.dataset.SegmentationDataset;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;
import io.medseg.node.ColumnSpec;
import io.medseg.node.ColumnType;
import io.medseg.node.RunContext;
import io.medseg.node.RunMonitor;
import io.medseg.node.MedSegNode;
import io.medseg.node.SettingValues;
import io.medseg.node.PortData;
import io.medseg.node.Table;
import io.medseg.synth.SyntheticDatasetWriter;

/** Scorer and viewer on 3D phantoms whose "prediction" is their reference. */
class ScorerAndViewerTest {
    @TempDir
    static Path data;

    @TempDir
    Path dir;

    private static Table predicted;

    private static final RunMonitor QUIET = QuietMonitor.INSTANCE;

    @BeforeAll
    static void cases() {
        SyntheticDatasetWriter.write(data.resolve("ds"), 3, 2, 5, new int[] { 32, 32, 24 }, false);
        SegmentationDataset ds = SegmentationDataset.open(data.resolve("ds"));
        Table cases = CaseTable.of(ds, ds.cases(), new RunContext("t", QUIET, data, data));
        Table.Builder b = Table.builder(cases.spec().append(new ColumnSpec(PredictorNode.PREDICTION, ColumnType.PATH)));
        for (Table.Row r : cases.rows()) {
            List<Object> row = new ArrayList<>(Arrays.asList(r.cells()));
            row.add(r.path(CaseTable.LABEL));
            b.add(row.toArray());
        }
        predicted = b.build();
    }

    private List<PortData> execute(MedSegNode node, Map<String, String> settings, RunContext exec) {
        SettingValues s = node.settings().resolve("n", settings);
        node.configure(List.of(predicted.spec()), s);
        return node.execute(List.of(predicted), s, exec);
    }

    @Test
    void perfectPredictionsScoreOne() {
        // a small phantom may have no lesion: with empty=one a label absent from both masks scores 1 as well
        List<PortData> out = execute(new ScorerNode(), Map.of("empty", "one"),
                new RunContext("n", QUIET, dir, dir));
        Table metrics = (Table) out.get(0);
        assertEquals(2 * 2, metrics.size(), "two cases, organ and lesion");
        for (Table.Row r : metrics.rows()) {
            assertEquals(1.0, (Double) r.get("dice"), 1e-12, r.string("case"));
            assertEquals(0.0, (Double) r.get("hd95"), 1e-12);
        }
        Table summary = (Table) out.get(1);
        assertEquals(Map.of(0, "background", 1, "organ", 2, "lesion"), CaseTable.labelNames(summary.spec()), "label names passed on");
        assertEquals(CaseTable.labelNames(summary.spec()), CaseTable.labelNames(metrics.spec()));
        assertTrue(summary.rows().stream().anyMatch(r -> "dice".equals(r.string("metric"))
                && (Double) r.get("mean") == 1.0 && (Long) r.get("n") == 2L));
    }

    @Test
    void drawsTheMiddleOfTheForeground() throws Exception {
        RunContext exec = new RunContext("n", QUIET, dir, dir);
        Table overlays = (Table) execute(new ViewerNode(), Map.of("axis", "2"), exec).get(0);
        assertEquals(2, overlays.size());
        Table.Row first = overlays.rows().get(0);
        Volume label = ImageFiles.read(predicted.rows().get(0).path(CaseTable.LABEL));
        assertEquals(SliceOverlay.foregroundMiddle(label, 2), (long) (Long) first.get("slice"));
        BufferedImage png = ImageIO.read(first.path("overlay").toFile());
        assertEquals(SliceOverlay.MIN_SIZE, png.getWidth(), "32 voxels drawn 8x");
        assertEquals(2, exec.reportImages().size());
        // reference and prediction coincide, so the prediction's red contour covers the green one
        boolean red = false;
        for (int y = 0; y < png.getHeight() && !red; y++) {
            for (int x = 0; x < png.getWidth(); x++) {
                red |= (png.getRGB(x, y) & 0xFFFFFF) == 0xFF2020;
            }
        }
        assertTrue(red, "contours drawn");

        Table fixed = (Table) execute(new ViewerNode(), Map.of("case", "synth_001", "slice", "3", "axis", "0"),
                new RunContext("n", QUIET, dir.resolve("b"), dir)).get(0);
        assertEquals(List.of(3L), fixed.rows().stream().map(r -> (Long) r.get("slice")).toList());
        assertTrue(fixed.rows().get(0).path("overlay").getFileName().toString().equals("synth_001_axis0_slice3.png"));
    }
}
