package io.medseg.synth;

/**
 * A smooth blob: an ellipsoid whose radius varies with direction by a few low-frequency harmonics,
 * {@code r(u) = 1 + sum_k amp_k sin(w_k . u + phase_k)} for a unit direction u in the ellipsoid's own frame. Low
 * frequencies keep the surface smooth and the shape star-shaped about its centre, like an organ outline.
 *
 * <p>Coordinates are normalised patient coordinates (see {@link PatientFrame}).
 */
final class DeformedEllipsoid {
    private final double[] centre;
    private final double[] semiAxes;
    private final double[][] rotation;
    private final double[][] frequencies;
    private final double[] amplitudes;
    private final double[] phases;

    private DeformedEllipsoid(double[] centre, double[] semiAxes, double[][] rotation, double[][] frequencies,
            double[] amplitudes, double[] phases) {
        this.centre = centre.clone();
        this.semiAxes = semiAxes.clone();
        this.rotation = rotation;
        this.frequencies = frequencies;
        this.amplitudes = amplitudes;
        this.phases = phases;
    }

    /**
     * A blob with {@code harmonics} random harmonics of frequency 1..3 whose amplitudes add up to at most
     * {@code maxDeformation} (so the radius stays within 1 ± maxDeformation of the ellipsoid's).
     */
    static DeformedEllipsoid random(CaseRandom rnd, double[] centre, double[] semiAxes, double[][] rotation,
            int harmonics, double maxDeformation) {
        double[][] w = new double[harmonics][];
        double[] amp = new double[harmonics];
        double[] ph = new double[harmonics];
        double share = maxDeformation / Math.max(1, harmonics);
        for (int h = 0; h < harmonics; h++) {
            double[] dir = rnd.unitVector();
            double f = rnd.uniform(1, 3);
            w[h] = new double[] { dir[0] * f, dir[1] * f, dir[2] * f };
            amp[h] = rnd.uniform(0.4, 1.0) * share;
            ph[h] = rnd.uniform(0, 2 * Math.PI);
        }
        return new DeformedEllipsoid(centre, semiAxes, rotation, w, amp, ph);
    }

    /** An undeformed, axis-aligned ellipsoid. */
    static DeformedEllipsoid ellipsoid(double[] centre, double[] semiAxes) {
        return new DeformedEllipsoid(centre, semiAxes, Rotation.identity(), new double[0][], new double[0],
                new double[0]);
    }

    double[] centre() {
        return centre.clone();
    }

    double[] semiAxes() {
        return semiAxes.clone();
    }

    /** The point at {@code local} (in units of the semi-axes, in the ellipsoid's own frame), in q. */
    double[] pointAt(double[] local) {
        double[] v = Rotation.apply(rotation, new double[] { local[0] * semiAxes[0], local[1] * semiAxes[1],
            local[2] * semiAxes[2] });
        return new double[] { centre[0] + v[0], centre[1] + v[1], centre[2] + v[2] };
    }

    /** The largest distance from the centre to the surface. */
    double maxRadius() {
        double sum = 0;
        for (double a : amplitudes) {
            sum += a;
        }
        return Math.max(semiAxes[0], Math.max(semiAxes[1], semiAxes[2])) * (1 + sum);
    }

    /**
     * Normalised radius of point q: below 1 inside, 1 on the surface, above 1 outside. Scaling this value scales
     * the shape about its centre, which is how rims (a shell between 1 - t and 1) are made.
     */
    double radius(double qx, double qy, double qz) {
        double[] local = Rotation.applyTransposed(rotation, new double[] { qx - centre[0], qy - centre[1],
            qz - centre[2] });
        double vx = local[0] / semiAxes[0];
        double vy = local[1] / semiAxes[1];
        double vz = local[2] / semiAxes[2];
        double rho = Math.sqrt(vx * vx + vy * vy + vz * vz);
        if (rho == 0 || amplitudes.length == 0) {
            return rho;
        }
        double ux = vx / rho;
        double uy = vy / rho;
        double uz = vz / rho;
        double surface = 1;
        for (int h = 0; h < amplitudes.length; h++) {
            double[] w = frequencies[h];
            surface += amplitudes[h] * Math.sin(w[0] * ux + w[1] * uy + w[2] * uz + phases[h]);
        }
        return rho / surface;
    }

    boolean contains(double qx, double qy, double qz) {
        return radius(qx, qy, qz) <= 1;
    }
}
