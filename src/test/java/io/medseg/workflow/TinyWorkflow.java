package io.medseg.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A complete workflow small enough for CI: 8 synthetic 32x32 phantoms, a residual UNet trained for 2 epochs of 2
 * iterations, prediction of the test cases, scoring and overlays (a few seconds on a CPU).
 */
public final class TinyWorkflow {
    public static final String JSON = """
            {"name": "tiny", "description": "CI-sized end-to-end workflow",
             "nodes": [
              {"id": "data", "type": "synthetic-dataset", "settings": {"dims": 2, "cases": 8, "seed": 3, "size": [32, 32]}},
              {"id": "preprocess", "type": "segmentation-preprocessor",
               "settings": {"architecture": "residual-unet", "patch_size": [32, 32], "batch_size": 2}},
              {"id": "learner", "type": "segmentation-learner",
               "settings": {"epochs": 2, "iterations": 2, "val_iterations": 1, "device": "cpu", "loader_threads": 1}},
              {"id": "predictor", "type": "segmentation-predictor", "settings": {"split": "test", "device": "cpu"}},
              {"id": "scorer", "type": "segmentation-scorer", "settings": {}},
              {"id": "viewer", "type": "segmentation-viewer", "settings": {"max_cases": 2}}
             ],
             "connections": [
              {"from": "data.cases", "to": "preprocess.cases"},
              {"from": "preprocess.preprocessed", "to": "learner.preprocessed"},
              {"from": "preprocess.plan", "to": "learner.plan"},
              {"from": "learner.model", "to": "predictor.model"},
              {"from": "data.cases", "to": "predictor.cases"},
              {"from": "predictor.predictions", "to": "scorer.cases"},
              {"from": "predictor.predictions", "to": "viewer.cases"}
             ]}
            """;

    private TinyWorkflow() {
    }

    public static Path write(Path dir) throws IOException {
        return Files.writeString(dir.resolve("tiny.json"), JSON);
    }
}
