package io.medseg.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Peak resident memory of this process, which is where PyTorch's CPU tensors live (the JVM heap does not see them).
 * Linux only: {@link #reset()} writes 5 to /proc/self/clear_refs, which restarts the kernel's high-water mark
 * (VmHWM), and {@link #peakBytes()} reads it back.
 */
public final class PeakMemory {
    private static final Path STATUS = Paths.get("/proc/self/status");
    private static final Path CLEAR_REFS = Paths.get("/proc/self/clear_refs");

    private PeakMemory() {
    }

    /** True when the kernel lets this process reset and read its peak resident memory. */
    public static boolean isSupported() {
        return Files.isReadable(STATUS) && Files.isWritable(CLEAR_REFS);
    }

    /** Restarts the peak at the current resident size. */
    public static void reset() {
        try {
            Files.write(CLEAR_REFS, "5".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IllegalStateException("cannot reset the peak memory counter: " + e.getMessage(), e);
        }
    }

    /** Peak resident bytes since the last {@link #reset()}. */
    public static long peakBytes() {
        return field("VmHWM:");
    }

    /** Current resident bytes. */
    public static long residentBytes() {
        return field("VmRSS:");
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024L; // reported in kB
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + STATUS + ": " + e.getMessage(), e);
        }
        throw new IllegalStateException(STATUS + " has no " + name + " line");
    }
}
