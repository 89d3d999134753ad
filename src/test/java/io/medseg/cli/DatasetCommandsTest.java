package io.medseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** synth writes a dataset that describe accepts; describe lists every problem of a broken one. */
class DatasetCommandsTest {
    @TempDir
    Path dir;

    @Test
    void synthThenDescribe() throws IOException {
        Path ds = dir.resolve("ds");
        CliRunner synth = CliRunner.run("synth", "--dims", "2", "--cases", "4", "--size", "48,40", "--seed", "3", "--out",
                ds.toString());
        assertEquals(0, synth.status(), synth.err());
        assertTrue(synth.out().contains("3 training + 1 test 2D ct cases"), synth.out());
        CliRunner describe = CliRunner.run("describe", ds.toString());
        assertEquals(0, describe.status(), describe.err());
        assertTrue(describe.out().contains("valid     yes"), describe.out());
        assertTrue(describe.out().contains("train     3 cases"), describe.out());
        assertTrue(describe.out().contains("shape     [48, 40]"), describe.out());

        // a second synth into the same folder is refused, the data stays
        CliRunner again = CliRunner.run("synth", "--dims", "2", "--cases", "2", "--out", ds.toString());
        assertEquals(1, again.status());
        assertTrue(again.err().contains("--overwrite"), again.err());

        // break it twice: a missing label and a wrong numTraining are both reported
        try (var labels = Files.list(ds.resolve("labelsTr"))) {
            Files.delete(labels.sorted().findFirst().orElseThrow());
        }
        Path json = ds.resolve("dataset.json");
        Files.writeString(json, Files.readString(json).replaceAll("\"numTraining\":\\s*3", "\"numTraining\": 9"));
        CliRunner broken = CliRunner.run("describe", ds.toString());
        assertEquals(1, broken.status());
        String[] lines = broken.err().strip().split("\n");
        assertTrue(lines.length >= 3, broken.err());
        assertTrue(broken.err().contains("numTraining"), broken.err());
        assertTrue(broken.err().contains("synth_000"), broken.err());
    }

    @Test
    void badSettingsAreNamed() {
        CliRunner r = CliRunner.run("synth", "--dims", "4", "--cases", "2", "--out", dir.resolve("x").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("--dims 4"), r.err());
        CliRunner missing = CliRunner.run("describe", dir.resolve("nope").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("no such folder"), missing.err());
    }
}
