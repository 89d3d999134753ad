package io.medseg.node.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medseg.node.ColumnSpec;
import io.medseg.node.ColumnType;
import io.medseg.node.SettingsException;
import io.medseg.node.ModelPortSpec;
import io.medseg.node.MedSegNode;
import io.medseg.node.PlanPortSpec;
import io.medseg.node.PortSpec;
import io.medseg.node.TableSpec;

/** Every node's configure: output specs from input specs, and clear refusals of bad settings or inputs. */
class NodeConfigureTest {
    @TempDir
    Path dir;

    private static final TableSpec CASES_2D = CaseTable.spec(2, Map.of("0", "CT"),
            Map.of("background", 0, "organ", 1));

    private static List<PortSpec> configure(MedSegNode node, Map<String, String> settings, PortSpec... inputs) {
        return node.configure(Arrays.asList(inputs), node.settings().resolve("n", settings));
    }

    private static void assertRefused(String expected, MedSegNode node, Map<String, String> settings, PortSpec... inputs) {
        SettingsException e = assertThrows(SettingsException.class,
                () -> configure(node, settings, inputs));
        assertTrue(e.getMessage().startsWith("node 'n': "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void syntheticDataset() {
        TableSpec out = (TableSpec) configure(new SyntheticDatasetNode(), Map.of("dims", "3")).get(0);
        assertEquals("3", out.properties().get(TableSpec.DIMS));
        assertEquals(List.of("case", "split", "images", "label", "shape", "spacing", "dataset"), out.names());
        assertRefused("setting 'size' does not fit: size [64, 64, 64] has 3 axes", new SyntheticDatasetNode(),
                Map.of("dims", "2", "size", "64,64,64"));
        assertRefused("setting 'dims' must be one of 2, 3, got '4'", new SyntheticDatasetNode(), Map.of("dims", "4"));
    }

    @Test
    void datasetReader() throws Exception {
        assertRefused("setting 'folder' must be an existing dataset folder", new DatasetReaderNode(),
                Map.of("folder", dir.resolve("missing").toString()), (PortSpec) null);
        Files.createDirectories(dir.resolve("empty"));
        assertRefused("nnU-Net dataset folder with dataset.json", new DatasetReaderNode(),
                Map.of("folder", dir.resolve("empty").toString()), (PortSpec) null);
        io.medseg.synth.SyntheticDatasetWriter.write(dir.resolve("ds"), 2, 3, 0, new int[] { 32, 32 }, false);
        TableSpec out = (TableSpec) configure(new DatasetReaderNode(), Map.of("folder", dir.resolve("ds").toString()),
                (PortSpec) null).get(0);
        assertEquals("background=0;organ=1;lesion=2", out.properties().get(TableSpec.LABELS));
    }

    @Test
    void preprocessor() {
        MedSegNode node = new PreprocessorNode();
        List<PortSpec> out = configure(node, Map.of("architecture", "xlstm-unet-bot"), CASES_2D);
        assertTrue(((TableSpec) out.get(0)).names().contains(PreprocessorNode.PREPROCESSED));
        PlanPortSpec plan = (PlanPortSpec) out.get(1);
        assertEquals("xlstm-unet-bot", plan.architecture());
        assertEquals(2, plan.dims());
        assertRefused("setting 'patch_size' has 3 values but the cases are 2D", node, Map.of("patch_size", "64,64,64"),
                CASES_2D);
        // nnU-Net's 2d configuration of 3D cases: a 2D plan, whose patch and spacing are in-plane
        TableSpec cases3d = CaseTable.spec(3, Map.of("0", "CT"), Map.of("background", 0, "organ", 1));
        assertEquals(3, ((PlanPortSpec) configure(node, Map.of(), cases3d).get(1)).dims());
        assertEquals(2, ((PlanPortSpec) configure(node, Map.of("dims", "2", "patch_size", "64,64"), cases3d).get(1))
                .dims());
        assertRefused("setting 'patch_size' has 3 values but the network is 2D (trained on slices of the 3D cases",
                node, Map.of("dims", "2", "patch_size", "64,64,64"), cases3d);
        assertRefused("setting 'dims' is 3 but the cases are 2D (2D images or one-slice volumes)", node,
                Map.of("dims", "3"), CASES_2D);
        assertRefused("setting 'dims' must be one of auto, 2, 3, got '4'", node, Map.of("dims", "4"), CASES_2D);
        assertRefused("setting 'architecture' must be one of lightm-unet", node, Map.of("architecture", "unet9"),
                CASES_2D);
        assertRefused("setting 'memory' must be a memory size", node, Map.of("memory", "lots"), CASES_2D);
        assertRefused("input 'cases' has no column 'label'", node, Map.of(),
                new TableSpec(List.of(new ColumnSpec("case", ColumnType.STRING),
                        new ColumnSpec("images", ColumnType.PATHS))));
        assertRefused("setting 'plan_file' must be an existing plan.json", node,
                Map.of("plan_file", dir.resolve("nope.json").toString()), CASES_2D);
    }

    @Test
    void learner() {
        MedSegNode node = new LearnerNode();
        TableSpec pre = CASES_2D.append(new ColumnSpec(PreprocessorNode.PREPROCESSED, ColumnType.PATH));
        PlanPortSpec plan = new PlanPortSpec("lightm-unet", 2, Map.of("0", "CT"),
                Map.of("background", "0", "organ", "1"));
        List<PortSpec> out = configure(node, Map.of(), pre, plan, null);
        ModelPortSpec model = (ModelPortSpec) out.get(0);
        assertEquals("lightm-unet", model.architecture());
        assertEquals(Map.of("background", 0, "organ", 1), model.labels());
        assertTrue(((TableSpec) out.get(1)).names().contains("pseudo_dice_organ"));
        assertRefused("input 'preprocessed' has no column 'preprocessed'", node, Map.of(), CASES_2D, plan, null);
        assertRefused("input 'validation' has no column 'preprocessed'", node, Map.of(), pre, plan, CASES_2D);
        assertRefused("setting 'precision' must be fp32 or auto on the CPU", node,
                Map.of("precision", "bf16", "device", "cpu"), pre, plan, null);
        assertRefused("setting 'epochs' must be an integer in [1, 1000000] or empty, got '0'", node,
                Map.of("epochs", "0"), pre, plan, null);
        assertRefused("setting 'device' must be auto, cpu, gpu:N", node, Map.of("device", "tpu"), pre, plan, null);
    }

    @Test
    void predictor() {
        MedSegNode node = new PredictorNode();
        ModelPortSpec model = new ModelPortSpec("lightm-unet", 2, Map.of("0", "CT"), Map.of("background", 0), null,
                null, null);
        TableSpec out = (TableSpec) configure(node, Map.of("probabilities", "true"), model, CASES_2D).get(0);
        assertTrue(out.names().containsAll(List.of(PredictorNode.PREDICTION, PredictorNode.PROBABILITIES)));
        ModelPortSpec twoChannels = new ModelPortSpec("lightm-unet", 2, Map.of("0", "T1", "1", "T2"), null, null,
                null, null);
        assertRefused("the model takes 2 input channel(s) but the cases have 1", node, Map.of(), twoChannels,
                CASES_2D);
        ModelPortSpec model3d = new ModelPortSpec("lightm-unet", 3, null, null, null, null, null);
        assertRefused("the model is 3D but the cases are 2D", node, Map.of(), model3d, CASES_2D);
        // a 2D model may have been trained on slices of volumes: whether it was is checked when it is read
        TableSpec cases3d = CaseTable.spec(3, Map.of("0", "CT"), Map.of("background", 0));
        assertTrue(((TableSpec) configure(node, Map.of(), model, cases3d).get(0)).names()
                .contains(PredictorNode.PREDICTION));
        assertRefused("setting 'overlap' must be a number in [0, 1), got '1'", node, Map.of("overlap", "1"), model,
                CASES_2D);
    }

    @Test
    void scorer() {
        MedSegNode node = new ScorerNode();
        TableSpec predicted = CASES_2D.append(new ColumnSpec(PredictorNode.PREDICTION, ColumnType.PATH));
        List<PortSpec> out = configure(node, Map.of(), predicted);
        assertTrue(((TableSpec) out.get(0)).names().containsAll(List.of("case", "label", "dice", "hd95")));
        assertRefused("input 'cases' has no column 'prediction'", node, Map.of(), CASES_2D);
        assertRefused("column 'split' of input 'cases' is string, expected path", node,
                Map.of("reference_column", "split"), predicted);
        assertRefused("setting 'empty' must be one of nan, one, got 'zero'", node, Map.of("empty", "zero"), predicted);
    }

    @Test
    void modelWriterAndReader() throws Exception {
        Path existing = Files.writeString(dir.resolve("m.medseg"), "not a model");
        assertRefused("names an existing file", new ModelWriterNode(), Map.of("path", existing.toString()),
                (PortSpec) null);
        assertRefused("must be a file path, got the folder", new ModelWriterNode(), Map.of("path", dir.toString()),
                (PortSpec) null);
        assertRefused("setting 'path' is required", new ModelWriterNode(), Map.of(), (PortSpec) null);
        assertRefused("setting 'path' must name a readable model file", new ModelReaderNode(),
                Map.of("path", existing.toString()));
        assertRefused("must be an existing model file or folder", new ModelReaderNode(),
                Map.of("path", dir.resolve("missing.medseg").toString()));
    }

    @Test
    void viewer() {
        MedSegNode node = new ViewerNode();
        TableSpec predicted = CASES_2D.append(new ColumnSpec(PredictorNode.PREDICTION, ColumnType.PATH));
        assertEquals(ViewerNode.OVERLAYS, configure(node, Map.of(), predicted).get(0));
        assertRefused("input 'cases' has no column 'prediction'", node, Map.of(), CASES_2D);
        assertRefused("setting 'slice' must be foreground or an integer >= 0, got 'middle'", node,
                Map.of("slice", "middle"), predicted);
        assertRefused("setting 'axis' must be an integer in [0, 2], got '3'", node, Map.of("axis", "3"), predicted);
    }
}
