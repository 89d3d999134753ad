package io.medseg.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.medseg.MedSegException;

/** Overlap and volume metrics on hand-made masks, empty-mask conventions, summaries and the written files. */
class ScoreMetricsTest {
    @TempDir
    Path dir;

    private static final Grid G = new Grid(2, new int[] { 4, 3 }, new double[] { 2, 3 });

    private static boolean[] mask(int... on) {
        boolean[] m = new boolean[G.voxels()];
        for (int i : on) {
            m[i] = true;
        }
        return m;
    }

    @Test
    void diceIouAndVolumeByHand() {
        // pred 3 voxels, ref 4, 2 shared; a voxel is 2 x 3 = 6 mm^2
        LabelMetrics m = new SegmentationScorer(1, EmptyMaskConvention.NAN).score(1, mask(0, 1, 2), mask(1, 2, 5, 6), G);
        assertEquals(4.0 / 7, m.dice(), 1e-12);
        assertEquals(2.0 / 5, m.iou(), 1e-12);
        assertEquals(18, m.predVolume(), 1e-12);
        assertEquals(24, m.refVolume(), 1e-12);
        assertEquals(-6, m.volumeDiff(), 1e-12);
        assertEquals(-0.25, m.relativeVolumeDiff(), 1e-12);
        LabelMetrics same = new SegmentationScorer(1, EmptyMaskConvention.NAN).score(1, mask(1, 2), mask(1, 2), G);
        assertEquals(1, same.dice(), 0);
        assertEquals(0, same.hd95(), 0);
        assertEquals(0, same.assd(), 0);
        assertEquals(1, same.nsd(), 0);
    }

    @Test
    void bothEmptyFollowsTheConvention() {
        LabelMetrics nan = new SegmentationScorer(1, EmptyMaskConvention.NAN).score(3, mask(), mask(), G);
        for (double v : new double[] { nan.dice(), nan.iou(), nan.hd95(), nan.assd(), nan.nsd(),
                nan.relativeVolumeDiff() }) {
            assertTrue(Double.isNaN(v), nan.toString());
        }
        assertEquals(0, nan.volumeDiff(), 0);
        LabelMetrics one = new SegmentationScorer(1, EmptyMaskConvention.ONE).score(3, mask(), mask(), G);
        assertEquals(1, one.dice(), 0);
        assertEquals(1, one.iou(), 0);
        assertEquals(1, one.nsd(), 0);
        assertEquals(0, one.hd95(), 0);
        assertEquals(0, one.assd(), 0);
        assertEquals(EmptyMaskConvention.ONE, EmptyMaskConvention.parse("one"));
        assertThrows(IllegalArgumentException.class, () -> EmptyMaskConvention.parse("zero"));
    }

    @Test
    void oneEmptyIsWorst() {
        for (EmptyMaskConvention c : EmptyMaskConvention.values()) {
            SegmentationScorer s = new SegmentationScorer(1, c);
            LabelMetrics missed = s.score(1, mask(), mask(4), G);
            assertEquals(0, missed.dice(), 0);
            assertEquals(0, missed.iou(), 0);
            assertEquals(0, missed.nsd(), 0);
            assertEquals(Double.POSITIVE_INFINITY, missed.hd95());
            assertEquals(Double.POSITIVE_INFINITY, missed.assd());
            assertEquals(-1, missed.relativeVolumeDiff(), 0);
            LabelMetrics spurious = s.score(1, mask(4), mask(), G);
            assertEquals(0, spurious.dice(), 0);
            assertEquals(Double.POSITIVE_INFINITY, spurious.hd95());
            assertEquals(Double.POSITIVE_INFINITY, spurious.relativeVolumeDiff());
        }
    }

    /** Statistics over the finite values, by hand; the undefined and infinite ones are counted beside them. */
    @Test
    void summaryCountsUndefinedAndInfiniteBesideStatisticsOfTheRest() {
        MetricSummary s = MetricSummary.of(new double[] { 1, Double.NaN, 3, Double.POSITIVE_INFINITY, 2 });
        assertEquals(new MetricSummary(2, Math.sqrt(2.0 / 3), 2, 3, 1, 1), s);
        assertEquals(2.5, MetricSummary.of(new double[] { 4, 1, 2, 3 }).median(), 0);
        assertEquals(new MetricSummary(7, 0, 7, 1, 0, 2),
                MetricSummary.of(new double[] { Double.NEGATIVE_INFINITY, 7, Double.POSITIVE_INFINITY }));
        MetricSummary none = MetricSummary.of(new double[] { Double.NaN, Double.POSITIVE_INFINITY });
        assertEquals(0, none.n());
        assertEquals(1, none.undefined());
        assertEquals(1, none.infinite());
        assertTrue(Double.isNaN(none.mean()) && Double.isNaN(none.std()) && Double.isNaN(none.median()));
        assertEquals(new MetricSummary(Double.NaN, Double.NaN, Double.NaN, 0, 0, 0), MetricSummary.of(new double[0]));
    }

    /** A two-label map scored per label, summarised over two cases, written as CSV and JSON. */
    @Test
    void multiLabelCasesSummaryAndFiles() throws Exception {
        SegmentationScorer scorer = new SegmentationScorer(1, EmptyMaskConvention.NAN);
        LabelMap ref = new LabelMap(new int[] { 1, 1, 0, 0, 2, 2, 0, 0, 0, 0, 0, 0 }, G);
        LabelMap perfect = new LabelMap(new int[] { 1, 1, 0, 0, 2, 2, 0, 0, 0, 0, 0, 0 }, G);
        LabelMap half = new LabelMap(new int[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, G);
        CaseScores a = scorer.scoreCase("a", perfect, ref, List.of(2, 1));
        CaseScores b = scorer.scoreCase("b", half, ref, List.of(1, 2));
        assertEquals(1, a.labels().get(0).label());
        assertEquals(2.0 / 3, b.labels().get(0).dice(), 1e-12);
        assertEquals(0, b.labels().get(1).dice(), 0);
        ScoreReport report = new ScoreReport(List.of(a, b));
        Map<String, MetricSummary> label1 = report.summary().get(1);
        assertEquals((1 + 2.0 / 3) / 2, label1.get("dice").mean(), 1e-12);
        assertEquals(2, label1.get("dice").n());
        // label 2's HD95: 0 in case a, infinite in case b (missed); the statistics are case a's, b is counted
        assertEquals(new MetricSummary(0, 0, 0, 1, 0, 1), report.summary().get(2).get("hd95"));
        assertThrows(IllegalArgumentException.class, () -> scorer.scoreCase("c",
                new LabelMap(new int[12], new Grid(2, new int[] { 3, 4 }, new double[] { 2, 3 })), ref, List.of(1)));

        Path csv = dir.resolve("s.csv");
        ScoreFiles.writeCsv(report, csv, false);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("case,label,dice,iou,hd95,assd,nsd,volume_pred,volume_ref,volume_diff,volume_diff_rel",
                lines.get(0));
        assertEquals(5, lines.size());
        assertTrue(lines.get(4).startsWith("b,2,0.0,0.0,inf,inf,0.0,0.0,12.0,-12.0,-1.0"), lines.get(4));
        Path json = dir.resolve("s.json");
        ScoreFiles.writeJson(report, json, false);
        String text = Files.readString(json);
        assertEquals(ScoreFiles.jsonText(report), text);
        JsonObject root = JsonParser.parseString(text).getAsJsonObject();
        assertEquals(Set.of("cases", "summary"), root.keySet());
        // flat case rows: one per case and label, the CSV's columns as keys
        JsonArray cases = root.getAsJsonArray("cases");
        assertEquals(4, cases.size());
        List<String> keys = new ArrayList<>(List.of("case", "label"));
        keys.addAll(List.of(LabelMetrics.NAMES));
        for (JsonElement e : cases) {
            assertEquals(keys, new ArrayList<>(e.getAsJsonObject().keySet()));
        }
        JsonObject b2 = cases.get(3).getAsJsonObject();
        assertEquals("b", b2.get("case").getAsString());
        assertEquals(2, b2.get("label").getAsInt());
        assertTrue(b2.get("label").getAsJsonPrimitive().isNumber());
        assertEquals(0, b2.get("dice").getAsDouble(), 0);
        assertEquals("inf", b2.get("hd95").getAsString());
        assertEquals("inf", b2.get("assd").getAsString());
        assertEquals(12, b2.get("volume_ref").getAsDouble(), 0);
        assertEquals(-1, b2.get("volume_diff_rel").getAsDouble(), 0);
        // flat summary rows: one per label and metric
        JsonArray summary = root.getAsJsonArray("summary");
        assertEquals(2 * LabelMetrics.NAMES.length, summary.size());
        JsonObject dice1 = summaryRow(summary, 1, "dice");
        assertEquals(List.of("label", "metric", "mean", "std", "median", "n", "n_undefined", "n_infinite"),
                new ArrayList<>(dice1.keySet()));
        assertEquals((1 + 2.0 / 3) / 2, dice1.get("mean").getAsDouble(), 1e-12);
        assertEquals(2, dice1.get("n").getAsInt());
        assertEquals(0, dice1.get("n_infinite").getAsInt());
        JsonObject hd2 = summaryRow(summary, 2, "hd95");
        assertEquals(0, hd2.get("mean").getAsDouble(), 0);
        assertEquals(0, hd2.get("std").getAsDouble(), 0);
        assertEquals(1, hd2.get("n").getAsInt());
        assertEquals(0, hd2.get("n_undefined").getAsInt());
        assertEquals(1, hd2.get("n_infinite").getAsInt());
        assertThrows(MedSegException.class, () -> ScoreFiles.writeCsv(report, csv, false));
    }

    /** NaN is written as an explicit null (the key is kept), -infinity as "-inf". */
    @Test
    void jsonNullAndNegativeInfinity() {
        LabelMetrics m = new LabelMetrics(1, Double.NaN, 0.5, Double.POSITIVE_INFINITY, 1, 1, 0, 0, 0,
                Double.NEGATIVE_INFINITY);
        JsonObject row = ScoreFiles.toJson(new ScoreReport(List.of(new CaseScores("x", List.of(m)))))
                .getAsJsonArray("cases").get(0).getAsJsonObject();
        assertTrue(row.has("dice") && row.get("dice").isJsonNull(), row.toString());
        assertEquals("inf", row.get("hd95").getAsString());
        assertEquals("-inf", row.get("volume_diff_rel").getAsString());
    }

    static JsonObject summaryRow(JsonArray summary, int label, String metric) {
        for (JsonElement e : summary) {
            JsonObject o = e.getAsJsonObject();
            if (o.get("label").getAsInt() == label && o.get("metric").getAsString().equals(metric)) {
                return o;
            }
        }
        throw new AssertionError("no summary row for label " + label + " " + metric + " in " + summary);
    }
}
