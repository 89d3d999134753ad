package io.medseg.node.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.medseg.MedSegException;
import io.medseg.node.RunContext;
import io.medseg.node.RunMonitor;
import io.medseg.node.SettingsException;
import io.medseg.node.MedSegNode;
import io.medseg.node.SettingValues;
import io.medseg.node.PlanPort;
import io.medseg.node.PortData;
import io.medseg.node.Table;
import io.medseg.node.TableSpec;
import io.medseg.synth.SyntheticDatasetWriter;

/** The reader from a folder and from a case list, and the preprocessor planning on exactly the listed cases. */
class DatasetReaderNodeTest {
    @TempDir
    static Path data;

    @TempDir
    Path dir;

    private static Path dataset;

    /** The reader's unconnected paths input. */
    private static final PortData NONE = null;

    private static final RunMonitor QUIET = QuietMonitor.INSTANCE;

    @BeforeAll
    static void dataset() {
        dataset = data.resolve("ds");
        SyntheticDatasetWriter.write(dataset, 2, 5, 1, new int[] { 32, 32 }, false);
    }

    private List<PortData> execute(MedSegNode node, Map<String, String> settings, PortData... inputs) {
        SettingValues s = node.settings().resolve("n", settings);
        node.configure(Arrays.stream(inputs).map(i -> i == null ? null : i.spec()).toList(), s);
        return node.execute(Arrays.asList(inputs), s, new RunContext("n", QUIET, dir.resolve("out"),
                dir.resolve("checkpoints")));
    }

    @Test
    void readsAFolderWithItsSplits() {
        Table all = (Table) execute(new DatasetReaderNode(), Map.of("folder", dataset.toString()), NONE).get(0);
        assertEquals(5, all.size());
        assertEquals(List.of("train", "train", "train", "train", "test"),
                all.rows().stream().map(r -> r.string(CaseTable.SPLIT)).toList());
        assertEquals("2", all.spec().properties().get(TableSpec.DIMS));
        assertEquals(dataset.toAbsolutePath(), all.rows().get(0).path(CaseTable.DATASET));
        Table test = (Table) execute(new DatasetReaderNode(), Map.of("folder", dataset.toString(), "split", "test"),
                NONE).get(0);
        assertEquals(1, test.size());
    }

    @Test
    void readsACaseListAndThePreprocessorPlansOnItsRows() throws Exception {
        Path list = Files.writeString(data.resolve("cases.csv"), """
                case,images,label,split
                a,ds/imagesTr/synth_000_0000.nii.gz,ds/labelsTr/synth_000.nii.gz,train
                b,ds/imagesTr/synth_001_0000.nii.gz,ds/labelsTr/synth_001.nii.gz,train
                c,ds/imagesTr/synth_002_0000.nii.gz,ds/labelsTr/synth_002.nii.gz,train
                d,ds/imagesTs/synth_004_0000.nii.gz,,test
                """);
        Table cases = (Table) execute(new DatasetReaderNode(), Map.of("paths_file", list.toString(),
                "labels", "background=0;organ=1;lesion=2"), NONE).get(0);
        assertEquals(List.of("a", "b", "c", "d"), cases.rows().stream().map(r -> r.string(CaseTable.CASE)).toList());
        assertEquals(null, cases.rows().get(3).path(CaseTable.LABEL));
        assertEquals(null, cases.rows().get(0).path(CaseTable.DATASET));

        List<PortData> pre = execute(new PreprocessorNode(), Map.of("architecture", "residual-unet",
                "patch_size", "32,32", "batch_size", "2"), cases);
        Table preprocessed = (Table) pre.get(0);
        assertEquals(3, preprocessed.size(), "the labelled training rows");
        assertTrue(Files.isRegularFile(preprocessed.rows().get(0).path(PreprocessorNode.PREPROCESSED)));
        PlanPort plan = (PlanPort) pre.get(1);
        assertEquals(Map.of("background", 0, "organ", 1, "lesion", 2), plan.plan().labels());
        assertTrue(Files.isRegularFile(plan.file()));
    }

    @Test
    void refusesAmbiguousOrIncompleteSources() throws Exception {
        MedSegNode node = new DatasetReaderNode();
        SettingsException none = assertThrows(SettingsException.class,
                () -> node.configure(Arrays.asList((io.medseg.node.PortSpec) null), node.settings().resolve("n",
                        Map.of())));
        assertEquals("node 'n': setting 'folder' is required (an nnU-Net dataset folder) unless paths_file is set or"
                + " the paths input is connected", none.getMessage());
        Path list = Files.writeString(dir.resolve("l.csv"), "case,images,label\n");
        assertThrows(SettingsException.class, () -> node.configure(Arrays.asList((io.medseg.node.PortSpec) null),
                node.settings().resolve("n", Map.of("folder", dataset.toString(), "paths_file", list.toString()))));
        SettingsException labels = assertThrows(SettingsException.class,
                () -> node.configure(Arrays.asList((io.medseg.node.PortSpec) null), node.settings().resolve("n",
                        Map.of("paths_file", list.toString(), "labels", "organ=1"))));
        assertTrue(labels.getMessage().contains("setting 'labels' must be name=value pairs with background=0"),
                labels.getMessage());
        Path bad = Files.writeString(dir.resolve("bad.csv"), "id,image\n");
        MedSegException header = assertThrows(MedSegException.class, () -> execute(node,
                Map.of("paths_file", bad.toString(), "labels", "background=0;organ=1"), NONE));
        assertTrue(header.getMessage().contains("the header must be case,images,label"), header.getMessage());
    }
}
