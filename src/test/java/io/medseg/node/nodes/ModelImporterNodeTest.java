package io.medseg.node.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

import io.medseg.model.ModelFile;
import io.medseg.model.nnunet.NnUNetFixtures;
import io.medseg.node.ModelPort;
import io.medseg.node.ModelPortSpec;
import io.medseg.node.RunContext;
import io.medseg.node.SettingValues;
import io.medseg.node.SettingsException;

/** The importer node configures from the plans alone and executes into its output folder, as medseg import does. */
class ModelImporterNodeTest {
    @TempDir
    Path dir;

    @Test
    void configuresFromThePlansAndImportsIntoItsOutputFolder() throws Exception {
        Path folder = NnUNetFixtures.folder("umamba-bot-2d");
        ModelImporterNode node = new ModelImporterNode();
        SettingValues s = node.settings().resolve("n", Map.of("folder", folder.toString(), "folds", "0, 2"));
        ModelPortSpec spec = (ModelPortSpec) node.configure(List.of(), s).get(0);
        assertEquals("umamba-bot", spec.architecture());
        assertEquals(List.of("background", "organ", "lesion"), List.copyOf(spec.labels().keySet()));
        assertArrayEquals(new long[] { 16, 16 }, spec.patchSize());
        ModelPort port = (ModelPort) node.execute(List.of(), s, new RunContext("n", QuietMonitor.INSTANCE,
                dir.resolve("out"), dir.resolve("checkpoints"))).get(0);
        assertTrue(Files.isRegularFile(port.file()));
        ModelFile.Header h = ModelFile.readHeader(port.file());
        assertEquals(2, h.config().foldCount());
        assertEquals("fold_0/checkpoint_final.pth,fold_2/checkpoint_final.pth", h.metadata().notes().get("checkpoints"));
    }

    @Test
    void badSettingsNameTheSetting() throws Exception {
        ModelImporterNode node = new ModelImporterNode();
        SettingValues folds = node.settings().resolve("n", Map.of("folder", dir.toString(), "folds", "first"));
        assertTrue(assertThrows(SettingsException.class, () -> node.configure(List.of(), folds)).getMessage()
                .contains("folds"));
        SettingValues empty = node.settings().resolve("n", Map.of("folder", dir.toString()));
        String message = assertThrows(SettingsException.class, () -> node.configure(List.of(), empty)).getMessage();
        assertTrue(message.contains("folder") && message.contains("dataset.json: missing"), message);
        assertEquals(List.of(), Arrays.asList(dir.resolve("out").toFile().list() == null ? new String[0]
                : dir.resolve("out").toFile().list()));
    }
}
