package io.medseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medseg.node.MedSegNode;
import io.medseg.node.SettingsException;
import io.medseg.node.nodes.LearnerNode;
import io.medseg.node.nodes.PredictorNode;
import io.medseg.node.nodes.ScorerNode;
import io.medseg.synth.SyntheticDatasetWriter;

/**
 * A bad value gets the same words from the command line, a node's settings and a workflow file: each front end names
 * the value its own way (--val-fraction, node 'n': setting 'val_fraction') in front of the same
 * "must be ALLOWED, got 'VALUE'", because all check the engine's one range.
 */
class SameLimitsTest {
    @TempDir
    Path dir;

    @Test
    void trainingValidationFraction() {
        Path dataset = dir.resolve("ds");
        SyntheticDatasetWriter.write(dataset, 2, 4, 3, new int[] { 16, 16 }, false);
        String tail = " must be a number in [0, 1), got '1.5'";
        assertCli("--val-fraction" + tail, "train", dataset.toString(), "--model", "resunet", "--dims", "2", "--out",
                dir.resolve("m").toString(), "--val-fraction", "1.5");
        assertNode(tail, new LearnerNode(), "val_fraction", "1.5");
        assertCli("node 'learner': setting 'val_fraction'" + tail, "run", "workflows/synthetic-2d-lightm-unet.json",
                "--check", "--set", "learner.val_fraction=1.5");
        // the limit was [0, 0.9] in the node and [0, 1) on the command line; 0.95 now passes both
        new LearnerNode().settings().resolve("n", Map.of("val_fraction", "0.95"));

        assertCli("--epochs must be an integer in [1, 1000000], got '0'", "train", dataset.toString(), "--model",
                "resunet", "--dims", "2", "--out", dir.resolve("m").toString(), "--epochs", "0");
        assertNode(" must be an integer in [1, 1000000] or empty, got '0'", new LearnerNode(), "epochs", "0");
    }

    @Test
    void predictionOverlapAndTileBatch() {
        Path in = dir.resolve("in");
        in.toFile().mkdirs();
        assertCli("--overlap must be a number in [0, 1), got '1.5'", "predict", dir.resolve("m.medseg").toString(),
                "--in", in.toString(), "--out", dir.resolve("out").toString(), "--overlap", "1.5");
        assertNode(" must be a number in [0, 1), got '1.5'", new PredictorNode(), "overlap", "1.5");
        assertCli("--tile-batch must be an integer in [1, 256], got '0'", "predict",
                dir.resolve("m.medseg").toString(), "--in", in.toString(), "--out", dir.resolve("out").toString(),
                "--tile-batch", "0");
        assertNode(" must be an integer in [1, 256], got '0'", new PredictorNode(), "tile_batch", "0");
    }

    @Test
    void scoringTolerance() {
        assertCli("--nsd-tolerance must be a number >= 0, got '-1.5'", "score", "--pred", dir.toString(), "--ref",
                dir.toString(), "--nsd-tolerance", "-1.5");
        assertNode(" must be a number >= 0, got '-1.5'", new ScorerNode(), "nsd_tolerance", "-1.5");
    }

    private static void assertCli(String expected, String... args) {
        CliRunner r = CliRunner.run(args);
        assertEquals(1, r.status(), r.out() + r.err());
        List<String> lines = r.err().strip().lines().filter(l -> !l.startsWith("WARN")).toList();
        assertEquals(List.of("medseg: error: " + expected), lines);
    }

    private static void assertNode(String tail, MedSegNode node, String key, String value) {
        SettingsException e = assertThrows(SettingsException.class,
                () -> node.settings().resolve("n", Map.of(key, value)));
        assertEquals("node 'n': setting '" + key + "'" + tail, e.getMessage());
    }
}
