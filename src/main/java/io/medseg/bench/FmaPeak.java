package io.medseg.bench;

import java.util.stream.IntStream;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 FMA rate this JVM reaches on SIMD lanes: per thread, 12 independent chains of vector FMAs (enough to hide
 * the FMA latency on current x86 cores), all threads at once; lane-FMAs per second. Loaded only where the Vector API
 * module is (see {@link ChildMeasurement#VECTOR_MODULE_LOADED}).
 */
final class FmaPeak {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int CHAINS = 12;

    private FmaPeak() {
    }

    /** Lane-FMAs per second with {@code threads} threads (best of 3 after a warm-up). */
    static double opsPerSecond(int threads) {
        long iterations = 20_000_000;
        chains(iterations / 10); // warm-up: compiled before it is timed
        double best = 0;
        for (int r = 0; r < 3; r++) {
            long t0 = System.nanoTime();
            float sink = (float) IntStream.range(0, threads).parallel().mapToDouble(i -> chains(iterations)).sum();
            double seconds = (System.nanoTime() - t0) / 1e9;
            best = Math.max(best, threads * iterations * CHAINS * SPECIES.length() / seconds + sink * 0);
        }
        return best;
    }

    private static float chains(long iterations) {
        FloatVector a = FloatVector.broadcast(SPECIES, 0.999f);
        FloatVector b = FloatVector.broadcast(SPECIES, 1e-4f);
        FloatVector c0 = FloatVector.broadcast(SPECIES, 1f), c1 = c0.add(1f), c2 = c0.add(2f), c3 = c0.add(3f);
        FloatVector c4 = c0.add(4f), c5 = c0.add(5f), c6 = c0.add(6f), c7 = c0.add(7f);
        FloatVector c8 = c0.add(8f), c9 = c0.add(9f), c10 = c0.add(10f), c11 = c0.add(11f);
        for (long i = 0; i < iterations; i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).lane(0);
    }
}
