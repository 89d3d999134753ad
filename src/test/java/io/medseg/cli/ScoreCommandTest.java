package io.medseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        assertTrue(r.out().matches("(?s).*\\n1\\s+dice\\s+0\\.8750\\s+0\\.1250\\s+0\\.8750\\s+2\\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*\\n2\\s+dice\\s+1\\.0000\\s+0\\.0000\\s+1\\.0000\\s+1\\n.*"), r.out());

        // --empty one counts the doubly empty label 2 as perfect, so n becomes 2
        CliRunner one = CliRunner.run("score", "--pred", pred.toString(), "--ref", ref.toString(), "--empty", "one",
                "--labels", "2");
        assertEquals(0, one.status(), one.err());
        assertTrue(one.out().matches("(?s).*\\n2\\s+dice\\s+1\\.0000\\s+0\\.0000\\s+1\\.0000\\s+2\\n.*"), one.out());
        assertFalse(one.out().matches("(?s).*\\n1\\s+dice.*"), one.out());

        // output exists: refused without --overwrite, before any scoring
        CliRunner again = CliRunner.run("score", "--pred", pred.toString(), "--ref", ref.toString(), "--out",
                csv.toString());
        assertEquals(1, again.status());
        assertTrue(again.err().contains("--overwrite"), again.err());
    }

    @Test
    void singleFilesAndNsdTolerance() {
        Path ref = folder("ref", labels(1, 4, false)).resolve("case_000.nii.gz");
        Path pred = folder("pred", labels(2, 5, false)).resolve("case_000.nii.gz");
        // the shift is 2 mm: at tolerance 1 some surface voxels are out, at 2 all are within
        CliRunner tight = CliRunner.run("score", "--pred", pred.toString(), "--ref", ref.toString(), "--tolerance", "1");
        assertEquals(0, tight.status(), tight.err());
        assertFalse(tight.out().matches("(?s).*\\n1\\s+nsd\\s+1\\.0000.*"), tight.out());
        CliRunner loose = CliRunner.run("score", "--pred", pred.toString(), "--ref", ref.toString(), "--tolerance", "2");
        assertTrue(loose.out().matches("(?s).*\\n1\\s+nsd\\s+1\\.0000.*"), loose.out());
        assertTrue(loose.out().matches("(?s).*\\n1\\s+hd95_mm\\s+2\\.0000.*"), loose.out());
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
        assertTrue(bad.err().contains("--empty zero"), bad.err());
        CliRunner neg = CliRunner.run("score", "--pred", pred.toString(), "--ref", ref.toString(), "--tolerance", "-1");
        assertEquals(1, neg.status());
        assertTrue(neg.err().contains("--tolerance"), neg.err());
    }
}
