package io.medseg.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.medseg.MedSegException;

/**
 * Runs one measurement in a fresh JVM, so its peak memory is its own: glibc's mmap threshold is fixed at 64 KiB (every
 * tensor's memory goes back to the system when freed, so the kernel's high-water mark is the step's true peak) and
 * PyTorch runs on one thread (the CPU time then barely depends on what else the machine is doing). The child prints
 * one line {@code RESULT v1 v2 ...}; its numbers are returned.
 */
final class ChildMeasurement {
    private ChildMeasurement() {
    }

    static double[] run(Class<?> main, String... args) {
        return run(List.of(), main, args);
    }

    /** {@link #run(Class, String...)} with extra JVM options (system properties) for the child. */
    static double[] run(List<String> jvmOptions, Class<?> main, String... args) {
        return run(jvmOptions, VECTOR_MODULE_LOADED, main, args);
    }

    /** Whether this JVM loaded the Vector API module, which the CPU scan's SIMD loops need. */
    static final boolean VECTOR_MODULE_LOADED = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /**
     * {@link #run(List, Class, String...)} with the Vector API module loaded in the child or not (a JVM as KNIME starts
     * it without the module), to measure what the scan's SIMD loops are worth.
     */
    static double[] run(List<String> jvmOptions, boolean vectorModule, Class<?> main, String... args) {
        return run(jvmOptions, vectorModule, true, main, args);
    }

    /**
     * A measurement of time only: glibc's default mmap threshold, since the fixed 64 KiB one (for exact peaks) makes
     * every large allocation fault in fresh pages, which doubled a LightM-UNet step and a scan's time.
     */
    static double[] runForTime(Class<?> main, String... args) {
        return runForTime(VECTOR_MODULE_LOADED, main, args);
    }

    /** {@link #runForTime(Class, String...)} with the Vector API module loaded in the child or not. */
    static double[] runForTime(boolean vectorModule, Class<?> main, String... args) {
        return run(List.of(), vectorModule, false, main, args);
    }

    private static double[] run(List<String> jvmOptions, boolean vectorModule, boolean exactPeak, Class<?> main,
            String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
        if (vectorModule) {
            cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        cmd.addAll(jvmOptions);
        for (String p : new String[] { "ai.djl.offline", "DJL_CACHE_DIR" }) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        if (exactPeak) {
            // every block of 64 KB or more gets its own mapping and is returned when freed, so the peak RSS is the
            // peak of live memory; without the launcher's huge pages, which would round each mapping up to 2 MB
            pb.environment().put("MALLOC_MMAP_THRESHOLD_", "65536");
            pb.environment().remove("GLIBC_TUNABLES");
        }
        pb.environment().put("OMP_NUM_THREADS", "1");
        try {
            Process p = pb.start();
            String last = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    last = line;
                }
            }
            int status = p.waitFor();
            if (status != 0 || last == null || !last.startsWith("RESULT ")) {
                throw new MedSegException("bench: the measurement " + String.join(" ", args) + " failed (exit " + status
                        + "; out of memory?)");
            }
            String[] parts = last.substring("RESULT ".length()).trim().split(" ");
            double[] values = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
                values[i] = Double.parseDouble(parts[i]);
            }
            return values;
        } catch (IOException e) {
            throw new MedSegException("bench: cannot start a measurement process: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MedSegException("bench: interrupted");
        }
    }

    /** Most runs {@link #warmUp} takes. */
    static final int MAX_WARM_UPS = 12;

    /**
     * Runs {@code step} until the JIT is done with it: until a run during which the JVM's compilers worked for less
     * than 5% of the run's time (2 runs at least, {@link #MAX_WARM_UPS} at most); returns the runs taken. Timing from
     * the second run measured the JIT at work instead: C2 takes several training steps to compile the CPU scan's
     * Vector API loops, which run as slow Java until then (a LightM-UNet step at 128² took 1.6-2.1 s of CPU in its
     * 2nd to 4th runs, 1.3 s from the 6th on).
     */
    static int warmUp(Runnable step) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean monitored = jit != null && jit.isCompilationTimeMonitoringSupported();
        for (int r = 1;; r++) {
            long compiled = monitored ? jit.getTotalCompilationTime() : 0;
            long t0 = System.nanoTime();
            step.run();
            double ms = (System.nanoTime() - t0) / 1e6;
            boolean settled = monitored ? jit.getTotalCompilationTime() - compiled < 0.05 * ms : r >= 5;
            if (r >= MAX_WARM_UPS || r >= 2 && settled) {
                return r;
            }
        }
    }

    /** CPU time of this process so far, in milliseconds. */
    static double cpuMillis() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e6).orElse(0.0);
    }

    /** Prints the result line a child reports. */
    static void report(double... values) {
        StringBuilder b = new StringBuilder("RESULT");
        for (double v : values) {
            b.append(' ').append(v);
        }
        System.out.println(b);
    }
}
