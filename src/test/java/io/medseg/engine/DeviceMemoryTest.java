package io.medseg.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

class DeviceMemoryTest {

    @Test
    void budgetComesFromTheGpuOrHalfThePhysicalMemory() {
        DeviceMemory.Budget b = DeviceMemory.detect();
        if (DjlEnvironment.pytorch().getGpuCount() > 0 && b.device().startsWith("gpu")) {
            assertTrue(b.bytes() > 1L << 30, b.toString());
        } else {
            long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getTotalMemorySize();
            assertEquals(physical / 2, b.bytes());
            assertTrue(b.device().startsWith("cpu"), b.device());
        }
    }
}
