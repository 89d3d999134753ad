package io.medseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medseg.report.HtmlCheck;
import io.medseg.workflow.TinyWorkflow;

/** `medseg run` on a CI-sized workflow end to end, and the refusals that must happen before anything runs. */
class RunCommandTest {
    @TempDir
    Path dir;

    @Test
    void runsATinyWorkflowEndToEnd() throws Exception {
        Path workflow = TinyWorkflow.write(dir);
        Path run = dir.resolve("run");
        CliRunner r = CliRunner.run("run", workflow.toString(), "--out", run.toString());
        assertEquals(0, r.status(), r.err() + r.out());
        assertTrue(r.out().contains("[3/6] learner (Segmentation Learner)"), r.out());
        assertTrue(r.out().contains("learner: epoch 2:"), r.out());
        // the learner decides the postprocessing on its validation cases and the predictor applies it
        String decided = io.medseg.model.ModelFile.readHeader(run.resolve("learner/model.medseg")).metadata()
                .postprocessing().describe();
        assertTrue(r.out().contains("learner: postprocessing: " + decided + " (validation mean foreground Dice"),
                r.out());
        // the predictor's first line is medseg predict's: model, settings, the postprocessing it applies
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  predictor: ")
                && l.contains(", postprocessing " + decided + "; 2 case(s)")), r.out());
        assertTrue(r.out().contains("run succeeded"), r.out());
        for (String f : List.of("workflow.json", "run.json", "report.html", "data/cases.csv", "data/cases.json",
                "preprocess/plan.json", "preprocess/plan.csv", "preprocess/preprocessed.csv", "learner/model.medseg",
                "learner/history.csv", "learner/learning_curves.png", "predictor/predictions.csv",
                "scorer/metrics.csv", "scorer/summary.csv", "scorer/summary.json", "viewer/overlays.csv",
                "checkpoints/learner/checkpoint_latest.medseg")) {
            assertTrue(Files.isRegularFile(run.resolve(f)), f + " missing");
        }
        // two test cases of eight, each scored for organ and lesion
        List<String> metrics = Files.readAllLines(run.resolve("scorer/metrics.csv"));
        assertEquals("case,label,dice,iou,hd95,assd,nsd,volume_pred,volume_ref,volume_diff,volume_diff_rel",
                metrics.get(0));
        assertEquals(1 + 2 * 2, metrics.size(), metrics.toString());
        try (Stream<Path> pngs = Files.list(run.resolve("viewer/overlays"))) {
            assertEquals(2, pngs.count());
        }
        assertTrue(Files.readString(run.resolve("run.json")).contains("\"status\": \"succeeded\""));
        assertTrue(Files.readString(run.resolve("workflow.json")).contains("\"val_fraction\": \"0.2\""),
                "workflow.json holds every resolved setting");

        String html = Files.readString(run.resolve("report.html"));
        assertEquals(List.of(), HtmlCheck.problems(html, run));
        assertTrue(html.contains("Learning curves"), "curves");
        assertTrue(html.contains("<h2>Dice (scorer)</h2>"), "metrics");
        assertTrue(html.contains("<td>1 organ</td>") && html.contains("<td>2 lesion</td>"), "Dice rows name the labels");
        assertTrue(html.contains("synth_006"), "overlay captions and tables name the test cases");

        CliRunner again = CliRunner.run("run", workflow.toString(), "--out", run.toString());
        assertEquals(1, again.status());
        assertTrue(again.err().contains("run folder exists and is not empty; choose another --out or add"
                + " --overwrite"), again.err());
        // the trained model read back and written elsewhere by the model nodes
        Path copy = dir.resolve("models/copy.medseg");
        Path io = java.nio.file.Files.writeString(dir.resolve("io.json"), """
                {"nodes": [{"id": "read", "type": "model-reader", "settings": {"path": "%s"}},
                           {"id": "write", "type": "model-writer", "settings": {"path": "%s"}}],
                 "connections": [{"from": "read.model", "to": "write.model"}]}
                """.formatted(run.resolve("learner"), copy));
        CliRunner rw = CliRunner.run("run", io.toString(), "--out", dir.resolve("io-run").toString());
        assertEquals(0, rw.status(), rw.err() + rw.out());
        assertEquals(-1L, Files.mismatch(run.resolve("learner/model.medseg"), copy));
        CliRunner exists = CliRunner.run("run", io.toString(), "--out", dir.resolve("io-run2").toString());
        assertEquals(1, exists.status());
        assertTrue(exists.err().contains("node 'write': setting 'path' names an existing file"), exists.err());

        CliRunner finished = CliRunner.run("run", "--resume", run.toString());
        assertEquals(1, finished.status());
        assertTrue(finished.err().contains("the run succeeded; there is nothing to resume"), finished.err());
        CliRunner mixed = CliRunner.run("run", "--resume", run.toString(), "--set", "learner.epochs=3");
        assertEquals(1, mixed.status());
        assertTrue(mixed.err().contains("--resume takes only the run folder"), mixed.err());
    }

    @Test
    void setOnAnUnknownNodeOrSettingFailsBeforeAnythingRuns() throws Exception {
        Path workflow = TinyWorkflow.write(dir);
        Path run = dir.resolve("run");
        CliRunner r = CliRunner.run("run", workflow.toString(), "--out", run.toString(), "--set", "lerner.epochs=3",
                "--set", "learner.epoch=3", "--set", "learner.epochs=0", "--set", "oops");
        assertEquals(1, r.status());
        assertEquals(List.of(
                "medseg: error: --set 'lerner.epochs=3': the workflow has no node 'lerner'; its nodes are data,"
                        + " preprocess, learner, predictor, scorer, viewer",
                "medseg: error: --set 'learner.epoch=3': node 'learner' (segmentation-learner) has no setting 'epoch';"
                        + " its settings are epochs, iterations, learning_rate, batch_size, val_fraction,"
                        + " val_iterations, patience, seed, device, precision, augmentation, loader_threads",
                "medseg: error: --set 'oops': expected NODE.SETTING=VALUE, e.g. learner.epochs=5"),
                r.err().lines().toList());
        assertFalse(Files.exists(run), "nothing may run before the workflow is valid");

        CliRunner bad = CliRunner.run("run", workflow.toString(), "--out", run.toString(), "--set",
                "learner.epochs=0");
        assertEquals(1, bad.status());
        assertEquals("medseg: error: node 'learner': setting 'epochs' must be an integer in [1, 1000000] or empty,"
                + " got '0'", bad.err().strip());
        assertFalse(Files.exists(run));

        CliRunner check = CliRunner.run("run", workflow.toString(), "--check", "--set", "learner.epochs=3");
        assertEquals(0, check.status(), check.err());
        assertTrue(check.out().contains("6 nodes configured, no problems"), check.out());
    }
}
