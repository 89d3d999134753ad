package io.medseg.nn.mamba;

/**
 * Chooses between a CPU kernel's SIMD loops (the JDK's incubating Vector API) and its scalar loops: the SIMD ones when
 * the {@code jdk.incubator.vector} module is loaded (the {@code medseg} launcher adds it, and so does the KNIME
 * feature's install instruction in knime.ini) and its preferred float vectors have 4 lanes or more (SSE/AVX/AVX-512,
 * NEON); the scalar ones otherwise, or when the system property {@code medseg.scan.scalar} is true (benchmarks compare
 * the two that way).
 */
final class SimdLoops {
    private SimdLoops() {
    }

    /** How many floats a vector implementation processes at once. */
    interface VectorWidth {
        /** Floats per operation: 1 for scalar loops. */
        default int lanes() {
            return 1;
        }
    }

    /**
     * An instance of {@code vectorClass} (a {@link VectorWidth}), loaded by name so that JVMs without the module never
     * link it, or {@code scalar} where it cannot run or would not be faster.
     */
    static <T> T best(Class<T> type, String vectorClass, T scalar) {
        if (!Boolean.getBoolean("medseg.scan.scalar")
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                Object loops = Class.forName(vectorClass).getDeclaredConstructor().newInstance();
                if (((VectorWidth) loops).lanes() >= 4) {
                    return type.cast(loops);
                }
            } catch (ReflectiveOperationException | LinkageError e) {
                // the module is there but cannot be linked from here (an OSGi class loader): use the scalar loops
            }
        }
        return scalar;
    }
}
