package io.medseg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medseg.preprocessing.PlanFiles;
import io.medseg.preprocessing.PreprocessingPlan;
import io.medseg.synth.SyntheticDatasetWriter;

/** {@code medseg plan} on synthetic 2D and 3D datasets: prints the plan and writes a readable plan file. */
class PlanCommandTest {
    @TempDir
    Path dir;

    @Test
    void plans2D() {
        Path ds = dir.resolve("ds2");
        SyntheticDatasetWriter.write(ds, 2, 4, 3, new int[] { 48, 40 }, false);
        CliRunner r = CliRunner.run("plan", ds.toString());
        assertEquals(0, r.status(), r.err());
        System.out.println(r.out());
        assertTrue(r.out().contains("patch") && r.out().contains("strides") && r.out().contains("channel 0"), r.out());
        PreprocessingPlan p = PlanFiles.read(ds.resolve("medseg_plan.json"));
        assertEquals(2, p.dims());
        assertTrue(r.out().contains(java.util.Arrays.toString(p.patchSize())), r.out());
        CliRunner again = CliRunner.run("plan", ds.toString());
        assertEquals(1, again.status());
        assertTrue(again.err().contains("--overwrite"), again.err());
        CliRunner set = CliRunner.run("plan", ds.toString(), "--overwrite", "--model", "lightm-unet", "--set",
                "patch_size=32,32", "--set", "batch_size=3");
        assertEquals(0, set.status(), set.err());
        PreprocessingPlan q = PlanFiles.read(ds.resolve("medseg_plan.json"));
        assertArrayEquals(new long[] { 32, 32 }, q.patchSize());
        assertEquals(3, q.batchSize());
        CliRunner bad = CliRunner.run("plan", ds.toString(), "--overwrite", "--set", "batch_size=x");
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("batch_size"), bad.err());
    }

    @Test
    void plans3D() throws Exception {
        Path ds = dir.resolve("ds3");
        SyntheticDatasetWriter.write(ds, 3, 3, 5, new int[] { 32, 32, 16 }, false);
        Path out = dir.resolve("p3.json");
        CliRunner r = CliRunner.run("plan", ds.toString(), "--memory", "2G", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        System.out.println(r.out());
        PreprocessingPlan p = PlanFiles.read(out);
        assertEquals(3, p.dims());
        assertEquals(2L << 30, p.memoryBudgetBytes());
        assertTrue(Files.readString(out).contains("\"patchSize\""));
        assertTrue(r.out().contains("2.0 GiB"), r.out());
    }
}
