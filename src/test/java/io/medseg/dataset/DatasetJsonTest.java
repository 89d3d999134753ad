package io.medseg.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetJsonTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsADescriptor() {
        Map<String, Integer> labels = new LinkedHashMap<>();
        labels.put("background", 0);
        labels.put("liver", 1);
        labels.put("tumour", 2);
        DatasetDescriptor d = DatasetDescriptor.complete(Map.of("0", "CT"), labels, 12, ".nii.gz");
        DatasetJson.write(d, dir, false);
        DatasetJson.Reading r = DatasetJson.read(dir);
        assertEquals(List.of(), r.problems());
        assertEquals(d, r.descriptor());
        assertEquals(List.of("background", "liver", "tumour"), List.copyOf(r.descriptor().labels().keySet()));
    }

    @Test
    void reportsEveryMissingKeyByName() throws IOException {
        List<String> lines = problems("{\"modality\": {\"0\": \"CT\"}}");
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("missing key \"channel_names\"") && lines.get(0).contains("modality"));
        assertTrue(lines.get(1).contains("missing key \"labels\""));
        assertTrue(lines.get(2).contains("missing key \"numTraining\""));
        assertTrue(lines.get(3).contains("missing key \"file_ending\""));
    }

    @Test
    void rejectsRegionLabels() throws IOException {
        List<String> lines = problems(json("{\"background\": 0, \"whole\": [1, 2], \"core\": 2}"));
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("\"whole\" is a region") && lines.get(0).contains("not supported"));
    }

    @Test
    void requiresBackgroundZeroAndConsecutiveValues() throws IOException {
        assertTrue(problems(json("{\"organ\": 1, \"lesion\": 2}")).get(0).contains("\"background\" to 0"));
        assertTrue(problems(json("{\"background\": 0, \"lesion\": 2}")).get(0).contains("consecutive"));
        assertTrue(problems(json("{\"background\": 0, \"a\": 1, \"b\": 1}")).get(0).contains("share the value 1"));
    }

    @Test
    void reportsBadJsonAndKeepsGoodFields() throws IOException {
        assertTrue(problems("{\"labels\": ").get(0).startsWith("dataset.json: not valid JSON"));
        Files.writeString(dir.resolve("dataset.json"), "{\"channel_names\": {\"0\": \"CT\"}, \"labels\": {\"background\": 0},"
                + " \"numTraining\": -1, \"file_ending\": \".mha\"}");
        DatasetJson.Reading r = DatasetJson.read(dir);
        assertEquals(2, r.problems().size(), r.problems().toString());
        assertEquals(Map.of("0", "CT"), r.descriptor().channelNames());
        assertNull(r.descriptor().numTraining());
        assertNull(r.descriptor().fileEnding());
    }

    private static String json(String labels) {
        return "{\"channel_names\": {\"0\": \"CT\"}, \"labels\": " + labels
                + ", \"numTraining\": 1, \"file_ending\": \".nii.gz\"}";
    }

    private List<String> problems(String text) throws IOException {
        Files.writeString(dir.resolve("dataset.json"), text);
        return DatasetJson.read(dir).problems().stream().map(DatasetProblem::toString).toList();
    }
}
