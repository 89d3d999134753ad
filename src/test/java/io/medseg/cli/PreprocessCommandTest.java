package io.medseg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medseg.preprocessing.CaseCache;
import io.medseg.preprocessing.PlanFiles;
import io.medseg.preprocessing.PreprocessedCase;
import io.medseg.preprocessing.PreprocessingPlan;

/** synth → plan → preprocess writes one cached case per labelled training case, on the plan's grid. */
class PreprocessCommandTest {
    @TempDir
    Path dir;

    @Test
    void preprocessesEveryTrainingCaseAsPlanned() throws Exception {
        Path ds = dir.resolve("ds");
        assertEquals(0, CliRunner.run("synth", "--dims", "2", "--cases", "4", "--size", "48,40", "--out", ds.toString())
                .status());
        CliRunner missing = CliRunner.run("preprocess", ds.toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("medseg plan"), missing.err());

        assertEquals(0, CliRunner.run("plan", ds.toString()).status());
        CliRunner r = CliRunner.run("preprocess", ds.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("preprocessed 3 cases"), r.out());
        PreprocessingPlan plan = PlanFiles.read(ds.resolve("medseg_plan.json"));
        PreprocessedCase c = CaseCache.read(CaseCache.fileFor(ds.resolve("medseg_preprocessed"), "synth_000"));
        assertEquals(2, c.shape().length);
        assertEquals(c.voxels() * plan.normalization().size(), c.image().length);
        assertArrayEquals(new long[] { 48, 40 }, c.mapping().originalShape());

        CliRunner again = CliRunner.run("preprocess", ds.toString());
        assertEquals(1, again.status());
        assertTrue(again.err().contains("--overwrite"), again.err());
        assertTrue(Files.list(ds.resolve("medseg_preprocessed")).count() == 3);
    }
}
