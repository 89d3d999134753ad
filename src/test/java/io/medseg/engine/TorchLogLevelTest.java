package io.medseg.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Paths;

import org.junit.jupiter.api.Test;

import com.sun.jna.NativeLibrary;

import ai.djl.pytorch.jni.LibUtils;
import io.medseg.MedSegException;

/** libtorch's log level: read from the setting, written into the loaded libc10, where c10's logger reads it. */
class TorchLogLevelTest {

    /** c10's level as the loaded library holds it. */
    private static int c10Level() {
        String c10 = Paths.get(LibUtils.getLibtorchPath()).resolve(System.mapLibraryName("c10")).toString();
        return NativeLibrary.getInstance(c10).getGlobalVariableAddress("FLAGS_caffe2_log_level").getInt(0);
    }

    @Test
    void loadingTheEngineLeavesOnlyErrorsAndTheSettingChangesIt() {
        DjlEnvironment.pytorch();
        if (System.getenv("TORCH_CPP_LOG_LEVEL") == null) {
            // c10's own default is WARNING (1): the engine set-up must have lowered it to errors
            assertEquals(2, c10Level());
        }
        String before = System.getProperty("medseg.torch.log.level");
        try {
            System.setProperty("medseg.torch.log.level", "info");
            TorchLogLevel.apply();
            assertEquals(0, c10Level());
            System.setProperty("medseg.torch.log.level", "FATAL");
            TorchLogLevel.apply();
            assertEquals(3, c10Level());
        } finally {
            if (before == null) {
                System.clearProperty("medseg.torch.log.level");
            } else {
                System.setProperty("medseg.torch.log.level", before);
            }
            TorchLogLevel.apply();
        }
    }

    @Test
    void levelsAsPyTorchSpellsThem() {
        assertEquals(2, TorchLogLevel.parse(null));
        assertEquals(1, TorchLogLevel.parse(" warning "));
        assertEquals(1, TorchLogLevel.parse("1"));
        assertEquals(3, TorchLogLevel.parse("FATAL"));
        MedSegException e = assertThrows(MedSegException.class, () -> TorchLogLevel.parse("loud"));
        assertTrue(e.getMessage().contains("TORCH_CPP_LOG_LEVEL") && e.getMessage().contains("'loud'"),
                e.getMessage());
    }
}
