package io.medseg.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.medseg.node.AbstractMedSegNode;
import io.medseg.node.RunContext;
import io.medseg.node.NodeRegistry;
import io.medseg.node.SettingValues;
import io.medseg.node.PortDefinition;
import io.medseg.node.PortKind;
import io.medseg.node.PortData;
import io.medseg.node.PortSpec;
import io.medseg.node.SettingsSchema;
import io.medseg.node.nodes.DatasetReaderNode;
import io.medseg.node.nodes.StandardNodes;

/** The whole graph is checked before anything runs, and every problem is reported at once. */
class WorkflowValidatorTest {
    private final NodeRegistry registry = StandardNodes.registry();

    private List<String> problems(String json) {
        WorkflowException e = assertThrows(WorkflowException.class,
                () -> new WorkflowValidator(registry).validate(WorkflowFiles.parse(json, "w.json", "w")));
        return e.problems();
    }

    @Test
    void configuresTheTinyWorkflowInOrder() {
        ConfiguredWorkflow w = new WorkflowValidator(registry).validate(
                WorkflowFiles.parse(TinyWorkflow.JSON, "tiny.json", "tiny"));
        assertEquals(List.of("data", "preprocess", "learner", "predictor", "scorer", "viewer"),
                w.steps().stream().map(ConfiguredWorkflow.Step::id).toList());
    }

    @Test
    void reportsEveryProblemAtOnce() {
        List<String> p = problems("""
                {"name": "bad", "nodes": [
                  {"id": "data", "type": "synthetic-dataset", "settings": {"dims": 5}},
                  {"id": "pre", "type": "segmentation-preprocessor", "settings": {"architecture": "unet9"}},
                  {"id": "x", "type": "segmentation-magic"},
                  {"id": "learner", "type": "segmentation-learner", "settings": {"epochs": "abc", "epoch": 3}}],
                 "connections": [
                  {"from": "data.cases", "to": "pre.cases"},
                  {"from": "pre.plan", "to": "learner.preprocessed"},
                  {"from": "pre.nothing", "to": "learner.plan"},
                  {"from": "ghost.cases", "to": "pre.cases"}]}
                """);
        assertEquals(List.of(
                "node 'x': unknown type 'segmentation-magic'; types are synthetic-dataset, dataset-reader,"
                        + " segmentation-preprocessor, segmentation-learner, segmentation-predictor,"
                        + " segmentation-scorer, model-writer, model-reader, model-importer, segmentation-viewer",
                "connection pre.plan -> learner.preprocessed: a plan output cannot feed a table input",
                "connection pre.nothing -> learner.plan: node 'pre' has no output 'nothing'; its outputs are"
                        + " preprocessed, plan",
                "connection ghost.cases -> pre.cases: no node 'ghost'; nodes are data, pre, x, learner",
                "node 'learner': required input 'preprocessed' (table) is not connected",
                "node 'learner': required input 'plan' (plan) is not connected",
                "node 'data': setting 'dims' must be one of 2, 3, got '5'",
                "node 'pre': setting 'architecture' must be one of lightm-unet, xlstm-unet-bot, xlstm-unet-enc,"
                        + " umamba-bot, umamba-enc, residual-unet, got 'unet9'",
                "node 'learner': unknown setting 'epoch'; settings are epochs, iterations, learning_rate, batch_size,"
                        + " val_fraction, val_iterations, patience, seed, device, precision, augmentation,"
                        + " loader_threads",
                "node 'learner': setting 'epochs' must be an integer in [1, 1000000] or empty, got 'abc'"), p);
    }

    /** A source whose table spec is known only after execution (configure promises null). */
    private static final class LateTable extends AbstractMedSegNode {
        LateTable() {
            super("late-table", "Late Table", "A table whose columns are known only after execution.", List.of(),
                    List.of(PortDefinition.required("table", PortKind.TABLE, "the table")), new SettingsSchema());
        }

        @Override
        public List<PortSpec> configure(List<PortSpec> inputs, SettingValues settings) {
            return Arrays.asList((PortSpec) null);
        }

        @Override
        public List<PortData> execute(List<PortData> inputs, SettingValues settings, RunContext exec) {
            throw new UnsupportedOperationException("not executed in this test");
        }
    }

    @Test
    void aConnectedInputOfUnknownSpecIsNotMistakenForAnUnconnectedOne() {
        NodeRegistry withLate = new NodeRegistry(new LateTable(), new DatasetReaderNode());
        String json = """
                {"nodes": [{"id": "late", "type": "late-table"}, {"id": "reader", "type": "dataset-reader"}],
                 "connections": [{"from": "late.table", "to": "reader.paths"}]}
                """;
        // configured only once its input exists, as KNIME does: no "folder is required" for the connected reader
        ConfiguredWorkflow w = new WorkflowValidator(withLate).validate(WorkflowFiles.parse(json, "w.json", "w"));
        assertEquals(List.of("late", "reader"), w.steps().stream().map(ConfiguredWorkflow.Step::id).toList());
        assertEquals(Arrays.asList((PortSpec) null), w.steps().get(1).outputSpecs());
        // unconnected, the same reader without a folder is refused before anything runs
        List<String> p = assertThrows(WorkflowException.class, () -> new WorkflowValidator(withLate).validate(
                WorkflowFiles.parse("{\"nodes\": [{\"id\": \"reader\", \"type\": \"dataset-reader\"}]}",
                        "w.json", "w"))).problems();
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).contains("setting 'folder' is required"), p.get(0));
    }

    @Test
    void configureFindsIncompatibleInputs() {
        // a 3D patch for 2D phantoms is only visible once the dataset node's spec says 2D
        String json = TinyWorkflow.JSON.replace("\"patch_size\": [32, 32]", "\"patch_size\": [32, 32, 32]");
        assertEquals(List.of("node 'preprocess': setting 'patch_size' has 3 values but the cases are 2D"),
                problems(json));
    }

    @Test
    void refusesCyclesDuplicatesAndDoubleFeeds() {
        List<String> p = problems("""
                {"nodes": [
                  {"id": "a", "type": "segmentation-scorer"},
                  {"id": "a", "type": "segmentation-scorer"},
                  {"id": "v", "type": "segmentation-viewer"},
                  {"id": "w", "type": "segmentation-viewer"}],
                 "connections": [
                  {"from": "v.overlays", "to": "w.cases"},
                  {"from": "w.overlays", "to": "v.cases"},
                  {"from": "a.metrics", "to": "v.cases"}]}
                """);
        assertTrue(p.contains("node id 'a' is used twice or reserved; ids must be unique"), p.toString());
        assertTrue(p.contains("connection a.metrics -> v.cases: input 'v.cases' is already fed by w.overlays"),
                p.toString());
        assertTrue(p.contains("the connections form a cycle through nodes v, w"), p.toString());
    }

    @Test
    void malformedFilesNameThePlace() {
        WorkflowException e = assertThrows(WorkflowException.class, () -> WorkflowFiles.parse("""
                {"nodes": [{"id": "a", "settings": {"x": {"y": 1}}}], "connections": [{"from": "a"}], "extra": 1}
                """, "w.json", "w"));
        assertEquals(List.of("w.json: unknown key 'extra'; expected connections, description, name, nodes",
                "w.json: nodes[0]: 'type' is missing",
                "w.json: nodes[0] ('a'): setting 'x' must be a string, number, boolean or a list of numbers",
                "w.json: connections[0]: 'from' must be node.port, got 'a'",
                "w.json: connections[0]: 'to' is missing"), e.problems());
    }

    @Test
    void everyShippedWorkflowValidates() throws Exception {
        Path dataset = Files.createTempDirectory("byo");
        io.medseg.synth.SyntheticDatasetWriter.write(dataset.resolve("ds"), 2, 3, 0, new int[] { 32, 32 }, false);
        try (Stream<Path> files = Files.list(Path.of("workflows"))) {
            List<Path> workflows = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
            assertEquals(5, workflows.size(), workflows.toString());
            for (Path f : workflows) {
                WorkflowDefinition w = WorkflowFiles.read(f);
                if (w.node("data").type().equals("dataset-reader")) {
                    w = SettingOverrides.apply(w, registry, List.of("data.folder=" + dataset.resolve("ds")));
                }
                ConfiguredWorkflow c = new WorkflowValidator(registry).validate(w);
                assertEquals(w.nodes().size(), c.steps().size(), f.toString());
            }
        }
    }
}
