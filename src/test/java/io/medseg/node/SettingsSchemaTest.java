package io.medseg.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Settings resolve to typed values with defaults; every bad value is named with what is allowed. */
class SettingsSchemaTest {
    private final SettingsSchema schema = new SettingsSchema(
            Setting.integer("epochs", 10, 1, Integer.MAX_VALUE, "Epochs."),
            Setting.choice("precision", "auto", "Precision.", "auto", "fp32", "bf16"),
            Setting.optionalSizes("patch_size", "Patch."),
            Setting.number("overlap", 0.5, 0, 0.95, "Overlap."),
            Setting.path("folder", null, "Folder."));

    @Test
    void resolvesTypedValuesAndDefaults() {
        SettingValues s = schema.resolve("learner", Map.of("folder", "data", "patch_size", "64,32",
                "precision", "FP32"));
        assertEquals(10, s.getInt("epochs"));
        assertEquals("fp32", s.getString("precision"));
        assertArrayEquals(new long[] { 64, 32 }, s.getSizes("patch_size"));
        assertEquals(0.5, s.getDouble("overlap"));
        assertEquals("data", s.getPath("folder").toString());
        assertEquals("10", s.texts().get("epochs"));
        assertNull(schema.resolve("x", Map.of("folder", "d")).getSizes("patch_size"));
    }

    @Test
    void reportsEveryProblemWithNodeKeyAndAllowedValues() {
        List<String> problems = new ArrayList<>();
        SettingValues s = schema.resolve("learner", Map.of("epochs", "abc", "precision", "fp8", "overlap", "1.5",
                "patch_size", "64,-1", "epoch", "3"), problems);
        assertNull(s);
        assertEquals(List.of(
                "node 'learner': unknown setting 'epoch'; settings are epochs, precision, patch_size, overlap, folder",
                "node 'learner': setting 'epochs' must be an integer >= 1, got 'abc'",
                "node 'learner': setting 'precision' must be one of auto, fp32, bf16, got 'fp8'",
                "node 'learner': setting 'patch_size' must be positive integers separated by commas (e.g. 64,64) or"
                        + " empty, got '64,-1'",
                "node 'learner': setting 'overlap' must be a number in [0, 0.95], got '1.5'",
                "node 'learner': setting 'folder' is required (Folder.); it must be a file or folder path"),
                problems);
    }

    @Test
    void singleNodeResolveThrows() {
        SettingsException e = assertThrows(SettingsException.class,
                () -> schema.resolve("n", Map.of("folder", "")));
        assertEquals("node 'n': setting 'folder' must be a file or folder path, got ''", e.getMessage());
        SettingsSchema seeds = new SettingsSchema(Setting.integer("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE, "Seed."));
        assertEquals("node 'n': setting 'seed' must be an integer, got '1.5'", assertThrows(
                SettingsException.class, () -> seeds.resolve("n", Map.of("seed", "1.5"))).getMessage());
        assertEquals(-7L, seeds.resolve("n", Map.of("seed", "-7")).getLong("seed"));
    }
}
