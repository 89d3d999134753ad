package io.medseg.node.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.medseg.MedSegException;
import io.medseg.dataset.DatasetCase;
import io.medseg.dataset.DatasetSplit;
import io.medseg.dataset.SegmentationDataset;
import io.medseg.engine.DjlEnvironment;
import io.medseg.model.ModelFile;
import io.medseg.node.ColumnSpec;
import io.medseg.node.ColumnType;
import io.medseg.node.ModelPort;
import io.medseg.node.PlanPort;
import io.medseg.node.RunContext;
import io.medseg.node.Table;
import io.medseg.node.TableSpec;
import io.medseg.preprocessing.CaseCache;
import io.medseg.preprocessing.PreprocessedCase;
import io.medseg.preprocessing.PreprocessingPlan;
import io.medseg.preprocessing.Preprocessor;
import io.medseg.synth.SyntheticDatasetWriter;
import io.medseg.training.TrainingOptions;
import io.medseg.training.TrainingRun;

/**
 * The Segmentation Learner is a thin caller of {@link TrainingRun}: the node and the entry point called directly with
 * the same values train the same weights and decide the same postprocessing; the builder reports every problem.
 */
class LearnerEntryPointTest {
    @TempDir
    static Path data;

    @TempDir
    Path dir;

    private static PreprocessingPlan plan;
    private static List<PreprocessedCase> cases;
    private static Table table;

    @BeforeAll
    static void cases() {
        SyntheticDatasetWriter.write(data.resolve("ds"), 2, 6, 5, new int[] { 32, 32 }, false);
        SegmentationDataset ds = SegmentationDataset.open(data.resolve("ds"));
        plan = io.medseg.training.TinyPlans.residualUNet2d(ds);
        cases = new ArrayList<>();
        Table.Builder t = Table.builder(new TableSpec(List.of(new ColumnSpec(CaseTable.CASE, ColumnType.STRING),
                new ColumnSpec(PreprocessorNode.PREPROCESSED, ColumnType.PATH))));
        for (DatasetCase c : ds.cases(DatasetSplit.TRAIN)) {
            PreprocessedCase p = Preprocessor.preprocess(c, plan);
            cases.add(p);
            Path file = CaseCache.fileFor(data.resolve("cache"), c.id());
            CaseCache.write(p, file);
            t.add(c.id(), file);
        }
        table = t.build();
    }

    @Test
    void theNodeTrainsThroughTheEntryPoint() {
        Map<String, String> settings = Map.of("epochs", "2", "iterations", "2", "val_iterations", "1", "seed", "3",
                "device", "cpu", "loader_threads", "1", "val_fraction", "0.3");
        LearnerNode node = new LearnerNode();
        List<io.medseg.node.PortData> out = node.execute(Arrays.asList(table, new PlanPort(plan, null), null),
                node.settings().resolve("learner", settings),
                new RunContext("learner", QuietMonitor.INSTANCE, dir.resolve("out"), dir.resolve("checkpoints")));
        Path nodeModel = ((ModelPort) out.get(0)).file();

        TrainingRun.Result direct = TrainingRun.builder().setOutput(dir.resolve("direct")).setCases(cases, null)
                .optPlan(plan, "plan").optOptions(new TrainingOptions(2, 2, null, null, 0.3, 1, 0, 3, 1, true, "cpu",
                        "auto"))
                .build().run();
        assertEquals(2, direct.validationCases()); // round(0.3 x 6)
        assertEquals(weights(direct.model()), weights(nodeModel));
        assertEquals(ModelFile.readHeader(direct.model()).metadata().postprocessing(),
                ModelFile.readHeader(nodeModel).metadata().postprocessing());
    }

    @Test
    void theBuilderReportsEveryProblemAtOnce() {
        MedSegException e = assertThrows(MedSegException.class, () -> TrainingRun.builder().setCases(cases, null)
                .optOptions(new TrainingOptions(0, null, null, null, 1.0, 1, 0, 3, 1, true, "cpu", "bf16"))
                .optNames(key -> "<" + key + ">").build());
        assertEquals("<output> is required (the run folder); preprocessed cases need the plan they were preprocessed"
                + " with; <epochs> must be an integer in [1, 1000000], got '0'; <val_fraction> must be a number in"
                + " [0, 1), got '1.0'; <precision> must be fp32 or auto on the CPU (bf16 training is GPU only), got"
                + " 'bf16'", e.getMessage());
        MedSegException resume = assertThrows(MedSegException.class, () -> TrainingRun.builder()
                .setOutput(dir.resolve("none")).setCases(cases, null).optPlan(plan, "plan").optResume(true).build());
        assertTrue(resume.getMessage().contains("nothing to resume"), resume.getMessage());
    }

    /** Every weight of a model file, flattened in parameter order. */
    private static List<List<Float>> weights(Path model) {
        try (NDManager m = DjlEnvironment.pytorch().newBaseManager()) {
            List<List<Float>> w = new ArrayList<>();
            for (Pair<String, Parameter> p : ModelFile.load(model, m).network().getParameters()) {
                float[] v = p.getValue().getArray().toFloatArray();
                List<Float> l = new ArrayList<>(v.length);
                for (float f : v) {
                    l.add(f);
                }
                w.add(l);
            }
            return w;
        }
    }
}
