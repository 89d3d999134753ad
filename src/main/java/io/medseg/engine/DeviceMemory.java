package io.medseg.engine;

import java.lang.management.ManagementFactory;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;

/**
 * How much memory training may plan for on this machine: the first GPU's total memory when DJL sees a CUDA GPU,
 * otherwise half the physical memory (the rest is for the JVM, the loader and the system).
 */
public final class DeviceMemory {
    private DeviceMemory() {
    }

    /** A human-readable description of the device the budget was read from, and the budget in bytes. */
    public record Budget(String device, long bytes) {
    }

    public static Budget detect() {
        Engine engine = DjlEnvironment.pytorch();
        if (engine.getGpuCount() > 0) {
            try {
                long total = CudaUtils.getGpuMemory(Device.gpu()).getMax();
                if (total > 0) {
                    return new Budget("gpu(0)", total);
                }
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                // no CUDA runtime to ask: fall back to the CPU's memory
            }
        }
        long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return new Budget("cpu (half of " + (physical >> 20) + " MiB)", physical / 2);
    }
}
