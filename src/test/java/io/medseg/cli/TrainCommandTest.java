package io.medseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medseg.model.ModelFile;
import io.medseg.synth.SyntheticDatasetWriter;

/** `medseg train` end to end on tiny phantoms, and its refusals. */
class TrainCommandTest {
    @TempDir
    static Path data;

    @TempDir
    Path dir;

    private static Path dataset;

    @BeforeAll
    static void dataset() {
        dataset = data.resolve("ds");
        SyntheticDatasetWriter.write(dataset, 2, 6, 3, new int[] { 32, 32 }, false);
    }

    private CliRunner train(Path out, String... extra) {
        String[] base = { "train", dataset.toString(), "--model", "resunet", "--dims", "2", "--out", out.toString(),
                "--epochs", "2", "--iters", "2", "--val-iters", "1", "--patch", "32,32", "--batch", "2" };
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRunner.run(args);
    }

    @Test
    void trainsAndWritesTheRunFolder() {
        Path out = dir.resolve("model");
        CliRunner r = train(out);
        assertEquals(0, r.status(), r.err() + r.out());
        for (String f : new String[] { "plan.json", "model.medseg", "checkpoint_latest.medseg", "history.csv",
                "history.json", "progress.png" }) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f + " missing; output: " + r.out());
        }
        assertTrue(r.out().contains("epoch 2/2"), r.out());
        assertTrue(r.out().contains("cases: 4 training, 1 validation"), r.out());
        assertTrue(Files.isRegularFile(out.resolve("validation/scores.csv")), r.out());
        assertTrue(r.out().contains("validation label 1: mean Dice"), r.out());
        ModelFile.Header h = ModelFile.readHeader(out.resolve("model.medseg"));
        assertEquals("residual-unet", h.config().architecture().id());
        assertEquals("cpu", h.metadata().versions().get("device"));
        // the final validation decides the postprocessing from the raw predictions and stores it in the model
        assertTrue(Files.isRegularFile(out.resolve("validation/postprocessing.json")), r.out());
        assertTrue(r.out().contains("postprocessing: " + h.metadata().postprocessing().describe()
                + " (validation mean foreground Dice"), r.out());

        // a finished run resumes to the same end without more steps
        CliRunner again = CliRunner.run("train", dataset.toString(), "--out", out.toString(), "--resume", "--device",
                "cpu");
        assertEquals(0, again.status(), again.err());
        assertTrue(again.out().contains("resuming at epoch 2 of 2"), again.out());
        // decided again on the raw predictions, not on predictions the stored postprocessing already cleaned
        assertEquals(h.metadata().postprocessing(),
                ModelFile.readHeader(out.resolve("model.medseg")).metadata().postprocessing());

        CliRunner occupied = train(out);
        assertEquals(1, occupied.status());
        assertTrue(occupied.err().contains("--resume"), occupied.err());
    }

    @Test
    void badSettingsFailWithOneLine() {
        assertError(CliRunner.run("train", dataset.toString(), "--model", "resunet", "--dims", "3", "--out",
                dir.resolve("a").toString(), "--patch", "32,32"), "--dims 3: the dataset's images are 2D");
        assertError(CliRunner.run("train", dataset.toString(), "--out", dir.resolve("b").toString()),
                "--model and --dims are required");
        assertError(train(dir.resolve("c"), "--precision", "fp8"), "--precision must be one of auto, fp32, bf16, got 'fp8'");
        assertError(train(dir.resolve("d"), "--device", "gpu:3"), "gpu:3 is not available");
        assertError(train(dir.resolve("e"), "--lr", "-1"), "--lr must be a number > 0, got '-1.0'");
        assertError(CliRunner.run("train", dataset.toString(), "--out", dir.resolve("f").toString(), "--resume"),
                "nothing to resume");
        assertError(CliRunner.run("train", dataset.toString(), "--model", "unet9", "--dims", "2", "--out",
                dir.resolve("g").toString()), "unknown model 'unet9'");
    }

    private static void assertError(CliRunner r, String expected) {
        assertEquals(1, r.status(), r.out() + r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
        assertEquals(1, r.err().strip().lines().filter(l -> !l.startsWith("WARN")).count(), r.err());
    }
}
