package io.medseg.synth;

import java.util.SplittableRandom;

/**
 * Random numbers for one synthetic case. The stream depends only on (seed, case index), so case k is the same
 * whatever the number of cases and whichever thread generates it.
 */
final class CaseRandom {
    private final SplittableRandom random;

    private CaseRandom(SplittableRandom random) {
        this.random = random;
    }

    /** The root stream of case {@code caseIndex} of the dataset with {@code seed}. */
    static CaseRandom forCase(long seed, int caseIndex) {
        // mix both inputs through a strong 64-bit finaliser so nearby seeds and indices give unrelated streams
        return new CaseRandom(new SplittableRandom(mix(mix(seed) ^ (0x9E3779B97F4A7C15L * (caseIndex + 1L)))));
    }

    /**
     * An independent child stream. Each part of a case (geometry, anatomy, noise...) draws from its own child, so
     * changing how many numbers one part draws does not change the others.
     */
    CaseRandom split() {
        return new CaseRandom(random.split());
    }

    double uniform(double min, double max) {
        return min + (max - min) * random.nextDouble();
    }

    /** Uniform magnitude in [min, max) with a random sign. */
    double signedUniform(double min, double max) {
        return (random.nextBoolean() ? 1 : -1) * uniform(min, max);
    }

    double gaussian() {
        return random.nextGaussian();
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    /** Index drawn with the given (not necessarily normalised) weights. */
    int weighted(double... weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double x = random.nextDouble() * total;
        for (int i = 0; i < weights.length - 1; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /** A uniformly distributed unit vector. */
    double[] unitVector() {
        double z = uniform(-1, 1);
        double phi = uniform(0, 2 * Math.PI);
        double s = Math.sqrt(1 - z * z);
        return new double[] { s * Math.cos(phi), s * Math.sin(phi), z };
    }

    /** Stafford's Mix13 finaliser (as used by SplittableRandom itself). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
