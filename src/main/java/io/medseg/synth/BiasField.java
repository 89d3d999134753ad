package io.medseg.synth;

/**
 * A smooth additive intensity inhomogeneity (HU) over the patient, like CT cupping and beam hardening: a gentle linear
 * gradient plus a few broad Gaussian bumps, limited to ±{@link #MAX_HU}. It shifts the same tissue by different
 * amounts in different places, so no global threshold fits the whole image.
 */
final class BiasField {
    static final double MAX_HU = 25;

    private final double[] gradient;
    private final double[][] bumpCentres;
    private final double[] bumpWidths;
    private final double[] bumpAmplitudes;

    private BiasField(CaseRandom rnd) {
        gradient = new double[] { rnd.uniform(-4, 4), rnd.uniform(-4, 4), rnd.uniform(-4, 4) };
        int bumps = 2 + rnd.nextInt(2);
        bumpCentres = new double[bumps][];
        bumpWidths = new double[bumps];
        bumpAmplitudes = new double[bumps];
        for (int b = 0; b < bumps; b++) {
            bumpCentres[b] = new double[] { rnd.uniform(-0.8, 0.8), rnd.uniform(-0.8, 0.8), rnd.uniform(-0.8, 0.8) };
            bumpWidths[b] = rnd.uniform(0.4, 0.9);
            bumpAmplitudes[b] = rnd.signedUniform(4, 10);
        }
    }

    static BiasField sample(CaseRandom rnd) {
        return new BiasField(rnd);
    }

    /** The HU offset at normalised patient position q. */
    double at(double qx, double qy, double qz) {
        double v = gradient[0] * qx + gradient[1] * qy + gradient[2] * qz;
        for (int b = 0; b < bumpAmplitudes.length; b++) {
            double dx = qx - bumpCentres[b][0];
            double dy = qy - bumpCentres[b][1];
            double dz = qz - bumpCentres[b][2];
            double w = bumpWidths[b];
            v += bumpAmplitudes[b] * Math.exp(-(dx * dx + dy * dy + dz * dz) / (2 * w * w));
        }
        return Math.max(-MAX_HU, Math.min(MAX_HU, v));
    }
}
