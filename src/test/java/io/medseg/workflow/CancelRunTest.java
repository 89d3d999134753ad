package io.medseg.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medseg.node.nodes.StandardNodes;
import io.medseg.report.HtmlCheck;

/**
 * Cancelling mid-training leaves a consistent run folder (finished nodes, checkpoints, status and report) that a
 * resumed run completes.
 */
class CancelRunTest {
    @TempDir
    Path dir;

    @Test
    void cancelDuringTrainingKeepsFinishedNodesAndCheckpoints() throws Exception {
        ConfiguredWorkflow w = new WorkflowValidator(StandardNodes.registry()).validate(WorkflowFiles.parse(
                TinyWorkflow.JSON.replace("\"epochs\": 2", "\"epochs\": 4"), "tiny.json", "tiny"));
        RunFolder folder = RunFolder.create(dir.resolve("run"), false);
        AtomicBoolean cancel = new AtomicBoolean();
        List<String> messages = new java.util.ArrayList<>();
        RunListener listener = new RunListener() {
            @Override
            public void nodeStarted(String id, String name, int index, int total) {
            }

            @Override
            public void nodeFinished(NodeRun run) {
            }

            @Override
            public void progress(String nodeId, double fraction, String message) {
            }

            @Override
            public void message(String nodeId, String text) {
                messages.add(nodeId + ": " + text);
                // Ctrl-C once the first epoch's checkpoint is written
                if (nodeId.equals("learner") && text.startsWith("epoch 1:")) {
                    cancel.set(true);
                }
            }

            @Override
            public void warning(String nodeId, String text) {
            }

            @Override
            public boolean cancelled() {
                return cancel.get();
            }
        };
        RunResult result = WorkflowRunner.run(w, folder, listener);
        assertEquals(RunResult.Status.CANCELLED, result.status());
        assertEquals(130, result.status().exitCode());
        assertEquals(List.of(NodeRun.Status.SUCCEEDED, NodeRun.Status.SUCCEEDED, NodeRun.Status.CANCELLED,
                NodeRun.Status.NOT_RUN, NodeRun.Status.NOT_RUN, NodeRun.Status.NOT_RUN),
                result.nodes().stream().map(NodeRun::status).toList());
        Path run = folder.dir();
        assertTrue(Files.isRegularFile(run.resolve("data/cases.csv")));
        assertTrue(Files.isRegularFile(run.resolve("preprocess/plan.json")));
        assertFalse(Files.exists(run.resolve("learner")), "a cancelled node leaves no outputs");
        assertFalse(Files.exists(run.resolve("predictor")));
        assertTrue(Files.isRegularFile(run.resolve("checkpoints/learner/checkpoint_latest.medseg")),
                "training checkpoints stay");
        String status = Files.readString(run.resolve("run.json"));
        assertTrue(status.contains("\"status\": \"cancelled\""), status);
        assertTrue(status.contains("\"exit_code\": 130"), status);
        assertEquals(List.of(), HtmlCheck.problems(Files.readString(run.resolve("report.html")), run));
        // no temporary files of interrupted atomic writes are left behind
        try (var files = Files.walk(run)) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().contains(".tmp-")).toList());
        }

        // resuming reuses the finished nodes and continues training from the checkpoint to the planned end
        cancel.set(false);
        messages.clear();
        RunFolder again = RunFolder.resume(run);
        RunResult resumed = WorkflowRunner.resume(new WorkflowValidator(StandardNodes.registry()).validate(
                WorkflowFiles.read(run.resolve(RunFolder.WORKFLOW))), again, listener);
        assertEquals(RunResult.Status.SUCCEEDED, resumed.status(), resumed.nodes().toString());
        assertTrue(messages.contains("data: finished in an earlier attempt of this run; its outputs are reused"),
                messages.toString());
        assertTrue(messages.contains("learner: continuing the interrupted training from its last checkpoint"),
                messages.toString());
        assertFalse(messages.stream().anyMatch(m -> m.startsWith("learner: epoch 1:")), "epoch 1 is not trained again");
        assertEquals(1 + 4, Files.readAllLines(run.resolve("learner/history.csv")).size(), "4 epochs in all");
        assertTrue(Files.isRegularFile(run.resolve("viewer/overlays.csv")));
        assertEquals(List.of(), HtmlCheck.problems(Files.readString(run.resolve("report.html")), run));
        assertTrue(Files.readString(run.resolve("report.html")).contains("Learning curves"));
        WorkflowException done = org.junit.jupiter.api.Assertions.assertThrows(WorkflowException.class,
                () -> RunFolder.resume(run));
        assertTrue(done.getMessage().endsWith("the run succeeded; there is nothing to resume"), done.getMessage());
    }
}
