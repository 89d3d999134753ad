package io.medseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.medseg.image.Geometry;
import io.medseg.image.Volume;
import io.medseg.io.ImageFiles;
import net.imglib2.img.array.ArrayImgs;

/** medseg score on two small nnU-Net style folders, and its one-line errors. */
class ScoreCommandTest {
    @TempDir
    Path dir;

    private static final Geometry GEOMETRY = Geometry.of(new double[] { 2, 1, 1 }, new double[] { 5, 0, 0 }, null);

    /** A 6x5x4 label map with label 1 in an i-range of row block j,k in [1,3] and optionally label 2 at one voxel. */
    private static Volume labels(int i0, int i1, boolean withTwo, long... shape) {
        long[] s = shape.length == 0 ? new long[] { 6, 5, 4 } : shape;
        byte[] v = new byte[(int) (s[0] * s[1] * s[2])];
        for (int k = 1; k <= 2; k++) {
            for (int j = 1; j <= 3; j++) {
                for (int i = i0; i <= i1; i++) {
                    v[(int) (i + s[0] * (j + s[1] * k))] = 1;
                }
            }
        }
        if (withTwo) {
            v[(int) (5 + s[0] * (4 + s[1] * 3))] = 2;
        }
        return Volume.of(ArrayImgs.unsignedBytes(v, s[0], s[1], s[2], 1), GEOMETRY);
    }

    private Path folder(String name, Volume... cases) {
        Path f = dir.resolve(name);
        try {
            Files.createDirectories(f);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
        for (int c = 0; c < cases.length; c++) {
            ImageFiles.write(cases[c], f.resolve("case_00" + c + ".nii.gz"), false);
        }
        return f;
    }

    @Test
    void scoresTwoFolders() throws IOException {
        Path ref = folder("ref", labels(1, 4, true), labels(1, 4, false));
        // case 0 perfect; case 1 label 1 shifted by one voxel along i (2 mm), label 2 absent from both
        Path pred = folder("pred", labels(1, 4, true), labels(2, 5, false));
        Path csv = dir.resolve("out/scores.csv");
        Files.createDirectories(csv.getParent());
        CliRunner r = CliRunner.run("score", "--pred", pred.toString(), "--ref", ref.toString(), "--out",
                csv.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("2 cases scored"), r.out());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(5, lines.size(), lines.toString());
        assertTrue(lines.get(1).startsWith("case_000,1,1.0,1.0,0.0,0.0,1.0"), lines.get(1));
        // 4 of 4 columns overlap in 3 -> Dice 2*18/(24+24) = 0.75
        assertTrue(lines.get(3).startsWith("case_001,1,0.75,0.6,"), lines.get(3));
        assertTrue(lines.get(4).startsWith("case_001,2,nan,nan,nan,nan,nan,0.0,0.0,0.0,nan"), lines.get(4));
        assertTrue(Files.exists(dir.resolve("out/scores.json")));
        // label 2 is NaN in case 1 and left out: n = 1, mean Dice of label 1 is (1 + 0.75) / 2
        assertTrue(r.out().matches("(?s).*\\n1\\s+dice\\s+0\\.8750\\s+0\\.1250\\s+0\\.8750\\s+2\\s+0\\s+0\\n.*"),
                r.out());
        // n 1, and one case (label 2 absent from both) undefined
        assertTrue(r.out().matches("(?s).*\\n2\\s+dice\\s+1\\.0000\\s+0\\.0000\\s+1\\.0000\\s+1\\s+1\\s+0\\n.*"),
                r.out());

        // --empty one counts the doubly empty label 2 as perfect, so n becomes 2
        CliRunner one = CliRunner.run("score", "--pred", pred.toString(), "--ref", ref.toString(), "--empty", "one",
                "--labels", "2");
        assertEquals(0, one.status(), one.err());
        assertTrue(one.out().matches("(?s).*\\n2\\s+dice\\s+1\\.0000\\s+0\\.0000\\s+1\\.0000\\s+2\\s+0\\s+0\\n.*"),
                one.out());
        assertFalse(one.out().matches("(?s).*\\n1\\s+dice.*"), one.out());

        // output exists: refused without --overwrite, before any scoring
        CliRunner again = CliRunner.run("score", "--pred", pred.toString(), "--ref", ref.toString(), "--out",
                csv.toString());
        assertEquals(1, again.status());
        assertTrue(again.err().contains("--overwrite"), again.err());
    }

    /**
     * A missed structure (empty prediction) has an infinite HD95 and ASSD: the summary row gives the statistics of
     * the other case (the one-voxel shift, HD95 2 mm) and counts the infinite one beside them, in the table and the
     * JSON; the case row keeps its exact inf.
     */
    @Test
    void emptyPredictionIsCountedBesideTheOtherCasesStatistics() {
        Path ref = folder("ref", labels(1, 4, false), labels(1, 4, false));
        Path pred = folder("pred", labels(2, 5, false), labels(1, 0, false));
        CliRunner table = CliRunner.run("score", "--pred", pred.toString(), "--ref", ref.toString());
        assertEquals(0, table.status(), table.err());
        assertTrue(table.out().matches("(?s).*\\n1\\s+hd95\\s+2\\.0000\\s+0\\.0000\\s+2\\.0000\\s+1\\s+0\\s+1\\n.*"),
                table.out());
        assertTrue(table.out().matches("(?s).*\\n1\\s+dice\\s+0\\.3750\\s+0\\.3750\\s+0\\.3750\\s+2\\s+0\\s+0\\n.*"),
                table.out());
        assertFalse(table.out().contains("inf "), table.out());
        CliRunner json = CliRunner.run("score", "--pred", pred.toString(), "--ref", ref.toString(), "--json");
        JsonObject root = JsonParser.parseString(json.out()).getAsJsonObject();
        assertEquals("inf", root.getAsJsonArray("cases").get(1).getAsJsonObject().get("hd95").getAsString());
        JsonObject hd95 = root.getAsJsonArray("summary").get(2).getAsJsonObject();
        assertEquals("hd95", hd95.get("metric").getAsString());
        assertEquals(2, hd95.get("mean").getAsDouble(), 1e-12);
        assertEquals(1, hd95.get("n").getAsInt());
        assertEquals(1, hd95.get("n_infinite").getAsInt());
    }

    @Test
    void singleFilesAndNsdTolerance() {
        Path ref = folder("ref", labels(1, 4, false)).resolve("case_000.nii.gz");
        Path pred = folder("pred", labels(2, 5, false)).resolve("case_000.nii.gz");
        // the shift is 2 mm: at tolerance 1 some surface voxels are out, at 2 all are within
        CliRunner tight = CliRunner.run("score", "--pred", pred.toString(), "--ref", ref.toString(),
                "--nsd-tolerance", "1");
        assertEquals(0, tight.status(), tight.err());
        assertFalse(tight.out().matches("(?s).*\\n1\\s+nsd\\s+1\\.0000.*"), tight.out());
        CliRunner loose = CliRunner.run("score", "--pred", pred.toString(), "--ref", ref.toString(),
                "--nsd-tolerance", "2");
        assertTrue(loose.out().matches("(?s).*\\n1\\s+nsd\\s+1\\.0000.*"), loose.out());
        assertTrue(loose.out().matches("(?s).*\\n1\\s+hd95\\s+2\\.0000.*"), loose.out());
    }

    /**
     * Two hand-built masks: label 1 is a 4x3x2 block (voxel 2 x 1 x 1 mm, so 48 mm^3), the prediction shifted by one
     * voxel (2 mm) along i. Every block voxel is a surface voxel (the block is 2 thick in k); 18 of the 24 overlap
     * (distance 0), the other 6 of each are 2 mm from the other surface. So Dice 0.75, IoU 0.6, HD95 2, ASSD
     * 6 * 2 * 2 / 48 = 0.5, NSD(1 mm) 36 / 48 = 0.75, NSD(2 mm) 1, volumes 48 and 48.
     */
    @Test
    void jsonToStandardOutput() throws IOException {
        Path ref = folder("ref", labels(1, 4, false)).resolve("case_000.nii.gz");
        Path pred = folder("pred", labels(2, 5, false)).resolve("case_000.nii.gz");
        Path csv = dir.resolve("scores.csv");
        CliRunner r = CliRunner.run("score", "--pred", pred.toString(), "--ref", ref.toString(), "--json", "--out",
                csv.toString());
        assertEquals(0, r.status(), r.err());
        assertFalse(r.out().contains("scored"), r.out());
        JsonObject root = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(Set.of("cases", "summary"), root.keySet());
        JsonArray cases = root.getAsJsonArray("cases");
        assertEquals(1, cases.size());
        JsonObject row = cases.get(0).getAsJsonObject();
        assertEquals(List.of("case", "label", "dice", "iou", "hd95", "assd", "nsd", "volume_pred", "volume_ref",
                "volume_diff", "volume_diff_rel"), new ArrayList<>(row.keySet()));
        assertEquals("case_000", row.get("case").getAsString());
        assertTrue(row.get("label").getAsJsonPrimitive().isNumber(), row.toString());
        assertEquals(1, row.get("label").getAsInt());
        assertEquals(0.75, row.get("dice").getAsDouble(), 1e-12);
        assertEquals(0.6, row.get("iou").getAsDouble(), 1e-12);
        assertEquals(2, row.get("hd95").getAsDouble(), 1e-9);
        assertEquals(0.5, row.get("assd").getAsDouble(), 1e-9);
        assertEquals(0.75, row.get("nsd").getAsDouble(), 1e-12);
        assertEquals(48, row.get("volume_pred").getAsDouble(), 1e-9);
        assertEquals(48, row.get("volume_ref").getAsDouble(), 1e-9);
        assertEquals(0, row.get("volume_diff").getAsDouble(), 1e-9);
        assertEquals(0, row.get("volume_diff_rel").getAsDouble(), 1e-9);
        JsonArray summary = root.getAsJsonArray("summary");
        assertEquals(9, summary.size());
        JsonObject hd95 = summary.get(2).getAsJsonObject();
        assertEquals(List.of("label", "metric", "mean", "std", "median", "n", "n_undefined", "n_infinite"),
                new ArrayList<>(hd95.keySet()));
        assertEquals(1, hd95.get("label").getAsInt());
        assertEquals("hd95", hd95.get("metric").getAsString());
        assertEquals(2, hd95.get("mean").getAsDouble(), 1e-9);
        assertEquals(0, hd95.get("std").getAsDouble(), 1e-9);
        assertEquals(2, hd95.get("median").getAsDouble(), 1e-9);
        assertEquals(1, hd95.get("n").getAsInt());
        // the printed document is the one written beside --out
        assertEquals(r.out(), Files.readString(dir.resolve("scores.json")));
        List<String> lines = Files.readAllLines(csv);
        assertEquals("case,label,dice,iou,hd95,assd,nsd,volume_pred,volume_ref,volume_diff,volume_diff_rel",
                lines.get(0));

        // warnings go to standard error; standard output stays pure JSON
        Path refs = folder("refs", labels(1, 4, false));
        Path preds = folder("preds", labels(2, 5, false), labels(1, 4, false));
        CliRunner warned = CliRunner.run("score", "--pred", preds.toString(), "--ref", refs.toString(), "--json");
        assertEquals(0, warned.status(), warned.err());
        assertTrue(warned.err().contains("case_001") && warned.err().contains("no reference"), warned.err());
        assertEquals(1, JsonParser.parseString(warned.out()).getAsJsonObject().getAsJsonArray("cases").size());
    }

    /**
     * One-slice NIfTI files (9 x 8 x 1, pixels 2 x 1 mm, 5 mm thick) are scored on the plane: a 4x4 square against the
     * same square one pixel along i has outlines of 12 pixels, {0 x6, 1 x2, 2 x4} mm from the other (see
     * OneSliceScoringTest), so HD95 2, ASSD 20/24, and areas of 32 mm^2; as a slab every pixel would be surface.
     */
    @Test
    void oneSliceFilesAreScoredOnThePlane() {
        Geometry slice = Geometry.of(new double[] { 2, 1, 5 }, new double[] { 0, 0, 0 }, null);
        Volume[] squares = new Volume[2];
        for (int s = 0; s < 2; s++) {
            byte[] v = new byte[9 * 8];
            for (int j = 2; j <= 5; j++) {
                for (int i = 2 + s; i <= 5 + s; i++) {
                    v[i + 9 * j] = 1;
                }
            }
            squares[s] = Volume.of(ArrayImgs.unsignedBytes(v, 9, 8, 1, 1), slice);
        }
        Path ref = folder("ref", squares[0]).resolve("case_000.nii.gz");
        Path pred = folder("pred", squares[1]).resolve("case_000.nii.gz");
        CliRunner r = CliRunner.run("score", "--pred", pred.toString(), "--ref", ref.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        JsonObject row = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("cases").get(0)
                .getAsJsonObject();
        assertEquals(2, row.get("hd95").getAsDouble(), 1e-12);
        assertEquals(20.0 / 24, row.get("assd").getAsDouble(), 1e-12);
        assertEquals(16.0 / 24, row.get("nsd").getAsDouble(), 1e-12);
        assertEquals(32, row.get("volume_pred").getAsDouble(), 1e-12);
    }

    /** --nsd-tolerance (default 1 mm) and its alias --tolerance reach the NSD of the JSON rows. */
    @Test
    void nsdToleranceOption() {
        Path ref = folder("ref", labels(1, 4, false)).resolve("case_000.nii.gz");
        Path pred = folder("pred", labels(2, 5, false)).resolve("case_000.nii.gz");
        assertEquals(0.75, nsd(pred, ref), 1e-12);
        assertEquals(0.75, nsd(pred, ref, "--nsd-tolerance", "1"), 1e-12);
        assertEquals(0.75, nsd(pred, ref, "--nsd-tolerance", "1.999"), 1e-12);
        assertEquals(1, nsd(pred, ref, "--nsd-tolerance", "2"), 0);
        assertEquals(1, nsd(pred, ref, "--tolerance", "2"), 0);
        assertEquals(0.75, nsd(pred, ref, "--nsd-tolerance", "0"), 1e-12);
        CliRunner neg = CliRunner.run("score", "--pred", pred.toString(), "--ref", ref.toString(), "--nsd-tolerance",
                "-1");
        assertEquals(1, neg.status());
        assertTrue(neg.err().contains("--nsd-tolerance"), neg.err());
        CliRunner help = CliRunner.run("score", "--help");
        assertTrue(help.out().contains("--nsd-tolerance") && help.out().contains("--json"), help.out());
    }

    private static double nsd(Path pred, Path ref, String... extra) {
        List<String> args = new ArrayList<>(List.of("score", "--pred", pred.toString(), "--ref", ref.toString(),
                "--json"));
        args.addAll(List.of(extra));
        CliRunner r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        return JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("cases").get(0).getAsJsonObject()
                .get("nsd").getAsDouble();
    }

    @Test
    void mismatchedShapeNamesTheCase() {
        Path ref = folder("ref", labels(1, 4, false), labels(1, 4, false));
        Path pred = dir.resolve("pred");
        folder("pred", labels(1, 4, false));
        ImageFiles.write(labels(1, 4, false, 7, 5, 4), pred.resolve("case_001.nii.gz"), false);
        CliRunner r = CliRunner.run("score", "--pred", pred.toString(), "--ref", ref.toString());
        assertEquals(1, r.status());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
        assertTrue(r.err().contains("case case_001") && r.err().contains("shape"), r.err());

        // same shape, other spacing: distances would be measured in the wrong mm, so it is refused too
        Path pred2 = dir.resolve("pred2");
        folder("pred2", labels(1, 4, false));
        ImageFiles.write(labels(1, 4, false).withGeometry(Geometry.identity(3)), pred2.resolve("case_001.nii.gz"),
                false);
        CliRunner g = CliRunner.run("score", "--pred", pred2.toString(), "--ref", ref.toString());
        assertEquals(1, g.status());
        assertTrue(g.err().contains("case case_001") && g.err().contains("geometry"), g.err());
    }

    @Test
    void missingPredictionAndBadSettings() {
        Path ref = folder("ref", labels(1, 4, false), labels(1, 4, false));
        Path pred = folder("pred", labels(1, 4, false));
        CliRunner r = CliRunner.run("score", "--pred", pred.toString(), "--ref", ref.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("case_001") && r.err().contains("no prediction"), r.err());
        CliRunner bad = CliRunner.run("score", "--pred", pred.toString(), "--ref", ref.toString(), "--empty", "zero");
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("--empty must be one of nan, one, got 'zero'"), bad.err());
        CliRunner neg = CliRunner.run("score", "--pred", pred.toString(), "--ref", ref.toString(), "--tolerance", "-1");
        assertEquals(1, neg.status());
        assertTrue(neg.err().contains("--nsd-tolerance"), neg.err());
    }
}
