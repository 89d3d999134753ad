package io.medseg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The choices of {@code bench networks} are checked before anything is measured (the measurements take minutes). */
class BenchCommandTest {
    @Test
    void anUnknownModelDimensionalityOrBatchIsAOneLineError() {
        CliRunner models = CliRunner.run("bench", "networks", "--models", "lightm-unet,unet-9000");
        assertEquals(1, models.status(), models.err());
        assertTrue(models.err().contains("unknown model 'unet-9000'; expected one of ") && models.err().contains(
                "residual-unet") && models.err().strip().lines().count() == 1, models.err());
        CliRunner dims = CliRunner.run("bench", "networks", "--dims", "2,4");
        assertEquals(1, dims.status(), dims.err());
        assertTrue(dims.err().contains("--dims 4: expected 2, 3 or 2,3"), dims.err());
        CliRunner batch = CliRunner.run("bench", "networks", "--batch", "0");
        assertEquals(1, batch.status(), batch.err());
        assertTrue(batch.err().contains("--batch must be positive") && batch.err().strip().lines().count() == 1,
                batch.err());
    }

    @Test
    void everyBadSettingIsNamedInOneLine() {
        CliRunner bad = CliRunner.run("bench", "networks", "--rounds", "0", "--batch", "-1", "--size-3d", "8");
        assertEquals(1, bad.status(), bad.err());
        assertTrue(bad.err().contains("--rounds must be positive, got 0") && bad.err().contains(
                "--batch must be positive, got -1") && bad.err().contains("--size-3d must be >= 16, got 8")
                && bad.err().strip().lines().count() == 1, bad.err());
    }
}
