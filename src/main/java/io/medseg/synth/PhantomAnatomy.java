package io.medseg.synth;

import java.util.ArrayList;
import java.util.List;

import io.medseg.image.Geometry;

/**
 * The randomised anatomy of one synthetic abdominal CT case, in normalised patient coordinates (see
 * {@link PatientFrame}): a body (soft tissue with a subcutaneous fat rim, air outside), a vertebra with cortex, marrow
 * and discs, an aorta, a spleen-like second organ, the liver-like target organ and 0-3 lesions inside it, each with
 * its own CT value in HU (some with an enhancing rim), and hypodense vessels inside the organ.
 *
 * <p>The distractors are what makes the task need shape and context rather than a threshold: the second organ has
 * nearly the organ's density, soft tissue and vessels overlap with hypodense lesions, and the bone is far brighter
 * than anything labelled.
 */
final class PhantomAnatomy {
    /** Fibonacci-sphere directions used to test that a lesion lies well inside the organ. */
    private static final double[][] DIRECTIONS = fibonacciSphere(160);

    /** Outer share of a rimmed lesion's radius that forms the rim. */
    private static final double RIM_FRACTION = 0.3;

    /** Thinnest enhancing rim drawn, in voxels: a thinner one is averaged away by the partial-volume blur. */
    private static final double MIN_RIM_VOXELS = 1.2;

    /**
     * Rose's detectability threshold: a disc of N voxels with mean contrast c in white noise of standard deviation
     * sigma is seen reliably when c·sqrt(N)/sigma reaches about 5 (A. Rose, 1948).
     */
    static final double ROSE_K = 5;

    private final PatientFrame frame;
    private final DeformedEllipsoid body;
    private final double fatRim;
    private final double[] spine;
    private final double discPeriod;
    private final double discPhase;
    private final double[] aorta;
    private final DeformedEllipsoid secondOrgan;
    private final DeformedEllipsoid organ;
    /** Vessel tree inside the organ: segments from a hilum point, each {x0, y0, z0, x1, y1, z1, radius}. */
    private final double[][] organVessels;
    private final List<DeformedEllipsoid> lesions = new ArrayList<>();
    private final double[] tissueHu = new double[Tissue.values().length];
    private final List<Double> lesionHu = new ArrayList<>();
    /** Per lesion: CT value of its enhancing rim, or NaN for a lesion without rim. */
    private final List<Double> lesionRimHu = new ArrayList<>();

    private PhantomAnatomy(CaseRandom rnd, Geometry geometry, int[] shape, double noiseSigma) {
        // body: an elliptic cylinder along z (a long z semi-axis makes it taper only slightly at the ends)
        double[] bodyAxes = { rnd.uniform(0.80, 0.90), rnd.uniform(0.62, 0.74), 3.0 };
        body = DeformedEllipsoid.random(rnd, new double[] { 0, rnd.uniform(-0.05, 0.03), 0 }, bodyAxes,
                Rotation.identity(), 2, 0.04);
        fatRim = rnd.uniform(0.06, 0.11);

        // vertebra in the posterior midline, aorta left-anterior of it
        double spineX = rnd.uniform(-0.04, 0.04);
        double spineY = body.centre()[1] - bodyAxes[1] * rnd.uniform(0.45, 0.55);
        double spineRx = rnd.uniform(0.12, 0.16);
        double spineRy = rnd.uniform(0.10, 0.12);
        spine = new double[] { spineX, spineY, spineRx, spineRy };
        discPeriod = rnd.uniform(0.22, 0.30);
        double aortaR = rnd.uniform(0.04, 0.06);
        aorta = new double[] { spineX - rnd.uniform(0.06, 0.10), spineY + spineRy + aortaR + rnd.uniform(0.01, 0.03),
            aortaR };

        // spleen-like distractor on the patient's left (-x), liver-like organ on the right (+x)
        secondOrgan = DeformedEllipsoid.random(rnd,
                new double[] { -rnd.uniform(0.42, 0.52), rnd.uniform(-0.30, -0.15), rnd.uniform(-0.05, 0.20) },
                new double[] { rnd.uniform(0.12, 0.17), rnd.uniform(0.16, 0.22), rnd.uniform(0.20, 0.30) },
                Rotation.about(new double[] { 0, 0, 1 }, Math.toRadians(rnd.signedUniform(0, 30))), 3, 0.15);
        double[][] organRotation = Rotation.multiply(
                Rotation.about(new double[] { 0, 0, 1 }, Math.toRadians(rnd.signedUniform(0, 25))),
                Rotation.about(rnd.unitVector(), Math.toRadians(rnd.signedUniform(0, 10))));
        organ = DeformedEllipsoid.random(rnd,
                new double[] { rnd.uniform(0.28, 0.38), rnd.uniform(-0.02, 0.10), rnd.uniform(-0.10, 0.15) },
                new double[] { rnd.uniform(0.30, 0.38), rnd.uniform(0.30, 0.38), rnd.uniform(0.45, 0.60) },
                organRotation, 4, 0.18);

        // a few vessel branches fanning out from the organ's medial side (its hilum) into its interior
        double[] hilum = organ.pointAt(new double[] { -0.45, rnd.uniform(-0.2, 0.2), rnd.uniform(-0.2, 0.2) });
        organVessels = new double[2 + rnd.nextInt(3)][];
        for (int v = 0; v < organVessels.length; v++) {
            double[] u = rnd.unitVector();
            double reach = rnd.uniform(0.5, 0.85);
            double[] end = organ.pointAt(new double[] { Math.abs(u[0]) * reach, u[1] * reach, u[2] * reach });
            organVessels[v] = new double[] { hilum[0], hilum[1], hilum[2], end[0], end[1], end[2],
                rnd.uniform(0.02, 0.035) };
        }

        // CT numbers (HU); per-case variation so intensity alone does not identify a tissue across cases
        double organHu = Math.max(52, Math.min(68, 60 + 4 * rnd.gaussian()));
        tissueHu[Tissue.AIR.ordinal()] = -1000;
        tissueHu[Tissue.FAT.ordinal()] = -100 + rnd.uniform(-15, 15);
        tissueHu[Tissue.SOFT_TISSUE.ordinal()] = rnd.uniform(32, 48);
        tissueHu[Tissue.BONE_CORTEX.ordinal()] = rnd.uniform(750, 1000);
        tissueHu[Tissue.BONE_MARROW.ordinal()] = rnd.uniform(400, 550);
        tissueHu[Tissue.VESSEL.ordinal()] = rnd.uniform(35, 50);
        tissueHu[Tissue.SECOND_ORGAN.ordinal()] = organHu + rnd.uniform(-15, 5);
        tissueHu[Tissue.ORGAN.ordinal()] = organHu;
        tissueHu[Tissue.ORGAN_VESSEL.ordinal()] = organHu - rnd.uniform(12, 22);

        // a 2D phantom is an axial slice through the organ
        double sliceZ = organ.centre()[2] + organ.semiAxes()[2] * rnd.uniform(-0.25, 0.25);
        // put the vertebra pattern so a 2D slice cuts bone rather than a disc, so every 2D case has its bright distractor
        discPhase = rnd.uniform(0.3, 0.9) - sliceZ / discPeriod;
        frame = PatientFrame.of(geometry, shape, sliceZ);
        placeLesions(rnd, organHu, sliceZ, noiseSigma);
    }

    /**
     * Draws the anatomy of a case scanned with this geometry and spatial shape; {@code noiseSigma} (HU) is the noise
     * the image will get, which limits lesion contrast.
     */
    static PhantomAnatomy sample(CaseRandom rnd, Geometry geometry, int[] shape, double noiseSigma) {
        return new PhantomAnatomy(rnd, geometry, shape, noiseSigma);
    }

    PatientFrame frame() {
        return frame;
    }

    int lesionCount() {
        return lesions.size();
    }

    /**
     * The tissue code at q: a {@link Tissue} ordinal below {@code Tissue.LESION.ordinal()}, or for lesion k
     * {@code Tissue.LESION.ordinal() + 2k} (core) and {@code + 2k + 1} (rim). Codes index {@link #huTable()} and
     * {@link #labelTable()}.
     */
    int tissueCode(double qx, double qy, double qz) {
        int t = tissueWithoutLesions(qx, qy, qz);
        if (isOrgan(t)) {
            for (int k = 0; k < lesions.size(); k++) {
                double r = lesions.get(k).radius(qx, qy, qz);
                if (r <= 1) {
                    boolean rim = !Double.isNaN(lesionRimHu.get(k)) && r > 1 - RIM_FRACTION;
                    return Tissue.LESION.ordinal() + 2 * k + (rim ? 1 : 0);
                }
            }
        }
        return t;
    }

    /** Label value for each tissue code. */
    int[] labelTable() {
        int[] labels = new int[codeCount()];
        for (int code = 0; code < labels.length; code++) {
            labels[code] = code >= Tissue.LESION.ordinal() ? Tissue.LESION.label() : Tissue.values()[code].label();
        }
        return labels;
    }

    /** CT value (HU) for each tissue code. */
    double[] huTable() {
        double[] hu = new double[codeCount()];
        System.arraycopy(tissueHu, 0, hu, 0, Tissue.LESION.ordinal());
        for (int k = 0; k < lesions.size(); k++) {
            hu[Tissue.LESION.ordinal() + 2 * k] = lesionHu.get(k);
            double rim = lesionRimHu.get(k);
            hu[Tissue.LESION.ordinal() + 2 * k + 1] = Double.isNaN(rim) ? lesionHu.get(k) : rim;
        }
        return hu;
    }

    private int codeCount() {
        return Tissue.LESION.ordinal() + 2 * lesions.size();
    }

    private int tissueWithoutLesions(double qx, double qy, double qz) {
        double r = body.radius(qx, qy, qz);
        if (r > 1) {
            return Tissue.AIR.ordinal();
        }
        if (r > 1 - fatRim) {
            return Tissue.FAT.ordinal();
        }
        double sx = (qx - spine[0]) / spine[2];
        double sy = (qy - spine[1]) / spine[3];
        double s = sx * sx + sy * sy;
        if (s <= 1) {
            double phase = qz / discPeriod + discPhase;
            if (phase - Math.floor(phase) < 0.18) {
                return Tissue.SOFT_TISSUE.ordinal(); // intervertebral disc
            }
            return s > 0.55 ? Tissue.BONE_CORTEX.ordinal() : Tissue.BONE_MARROW.ordinal();
        }
        double ax = qx - aorta[0];
        double ay = qy - aorta[1];
        if (ax * ax + ay * ay <= aorta[2] * aorta[2]) {
            return Tissue.VESSEL.ordinal();
        }
        if (organ.contains(qx, qy, qz)) {
            for (double[] v : organVessels) {
                if (distanceToSegment(qx, qy, qz, v) <= v[6]) {
                    return Tissue.ORGAN_VESSEL.ordinal();
                }
            }
            return Tissue.ORGAN.ordinal();
        }
        if (secondOrgan.contains(qx, qy, qz)) {
            return Tissue.SECOND_ORGAN.ordinal();
        }
        return Tissue.SOFT_TISSUE.ordinal();
    }

    private void placeLesions(CaseRandom rnd, double organHu, double sliceZ, double noiseSigma) {
        int count = rnd.weighted(0.15, 0.35, 0.30, 0.20);
        double voxel = frame.voxelSize();
        double reach = frame.neighbourReach();
        double[] oa = organ.semiAxes();
        double minAxis = Math.min(oa[0], Math.min(oa[1], oa[2]));
        for (int n = 0; n < count; n++) {
            boolean hyperdense = rnd.chance(0.25);
            // a share of small lesions (a few voxels across): the hard cases for segmentation
            double radius = rnd.chance(0.4) ? rnd.uniform(2.0, 3.0) * voxel
                    : Math.max(2.5 * voxel, rnd.uniform(0.12, 0.35) * minAxis);
            // some hypodense lesions have an enhancing rim (brighter than the organ), as metastases often do: the
            // lesion is then both darker and brighter than the organ, which no single threshold captures. The rim
            // needs to be about a voxel thick to be seen at all.
            boolean rimmed = !hyperdense && radius * RIM_FRACTION >= MIN_RIM_VOXELS * voxel && rnd.chance(0.3);
            // contrast at most 2.5 noise sigmas (but at least 15 HU): lesion and organ intensities must overlap after
            // noise, otherwise a large lesion in a quiet image is found by thresholding alone
            double maxContrast = Math.max(15, 2.5 * noiseSigma);
            double drawn = hyperdense ? rnd.uniform(15, 30) : rnd.uniform(15, 35);
            // ... and at least what makes the lesion visible at all (Rose criterion on its largest cross-section,
            // counting the core of a rimmed lesion only): a labelled lesion that is not in the image teaches nothing
            // and caps every method's Dice
            double visibleRadius = (rimmed ? 1 - RIM_FRACTION : 1) * radius / voxel;
            double contrast = Math.min(maxContrast, Math.max(drawn, roseContrast(visibleRadius, noiseSigma)));
            double hu = hyperdense ? organHu + contrast : organHu - contrast;
            double rimHu = rimmed ? organHu + rnd.uniform(10, 25) : Double.NaN;
            double[] axes = { radius * rnd.uniform(0.85, 1.15), radius * rnd.uniform(0.85, 1.15),
                radius * rnd.uniform(0.85, 1.15) };
            double[][] rotation = Rotation.about(rnd.unitVector(), rnd.uniform(0, Math.PI));
            for (int attempt = 0; attempt < 40; attempt++) {
                double[] centre = pointInOrgan(rnd, 0.75);
                if (frame.spatialDims() == 2) {
                    centre[2] = sliceZ + rnd.uniform(-0.3, 0.3) * radius; // make the slice cut the lesion
                }
                DeformedEllipsoid lesion = DeformedEllipsoid.random(rnd, centre, axes, rotation, 2, 0.08);
                if (wellInsideOrgan(centre, lesion.maxRadius() + reach) && apartFromLesions(lesion, reach)) {
                    lesions.add(lesion);
                    lesionHu.add(hu);
                    lesionRimHu.add(rimHu);
                    break;
                }
            }
        }
    }

    /**
     * The smallest contrast (HU) at which a lesion disc of {@code radiusVoxels} meets {@link #ROSE_K} in noise of
     * {@code noiseSigma}, after the partial-volume blur: the blur spreads about 0.8·sigma_blur/R of a disc's contrast
     * outside it (perimeter·sigma/sqrt(2 pi) over area).
     */
    static double roseContrast(double radiusVoxels, double noiseSigma) {
        double voxels = Math.PI * radiusVoxels * radiusVoxels;
        double kept = Math.max(0.3, 1 - 0.8 * PhantomGenerator.BLUR_SIGMA / radiusVoxels);
        return ROSE_K * noiseSigma / (kept * Math.sqrt(voxels));
    }

    /** A random point in the organ's ellipsoid scaled by {@code maxFraction}; a candidate lesion centre. */
    private double[] pointInOrgan(CaseRandom rnd, double maxFraction) {
        double[] u = rnd.unitVector();
        double f = maxFraction * Math.cbrt(rnd.uniform(0, 1));
        return organ.pointAt(new double[] { u[0] * f, u[1] * f, u[2] * f });
    }

    /**
     * True when a ball of radius {@code r} around {@code centre} is organ tissue (not clipped by the body wall,
     * spine or vessels): checked on three concentric shells, so no lesion voxel can touch non-organ tissue.
     */
    private boolean wellInsideOrgan(double[] centre, double r) {
        if (!isOrgan(tissueWithoutLesions(centre[0], centre[1], centre[2]))) {
            return false;
        }
        for (double shell : new double[] { 0.5, 0.8, 1.0 }) {
            for (double[] d : DIRECTIONS) {
                if (!isOrgan(tissueWithoutLesions(centre[0] + shell * r * d[0], centre[1] + shell * r * d[1],
                        centre[2] + shell * r * d[2]))) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * True when {@code lesion} keeps a voxel's reach from every lesion placed before: touching lesions would merge into
     * one labelled blob of two different densities.
     */
    private boolean apartFromLesions(DeformedEllipsoid lesion, double reach) {
        for (DeformedEllipsoid other : lesions) {
            double[] a = lesion.centre();
            double[] b = other.centre();
            double distance = Math.sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1])
                    + (a[2] - b[2]) * (a[2] - b[2]));
            if (distance <= lesion.maxRadius() + other.maxRadius() + reach) {
                return false;
            }
        }
        return true;
    }

    /** Organ parenchyma or its vessels: where lesions may be. */
    private static boolean isOrgan(int tissueCode) {
        return tissueCode == Tissue.ORGAN.ordinal() || tissueCode == Tissue.ORGAN_VESSEL.ordinal();
    }

    /** Distance from q to the segment {x0, y0, z0, x1, y1, z1, ...}. */
    private static double distanceToSegment(double qx, double qy, double qz, double[] s) {
        double dx = s[3] - s[0];
        double dy = s[4] - s[1];
        double dz = s[5] - s[2];
        double t = ((qx - s[0]) * dx + (qy - s[1]) * dy + (qz - s[2]) * dz) / (dx * dx + dy * dy + dz * dz);
        t = Math.max(0, Math.min(1, t));
        double ex = qx - s[0] - t * dx;
        double ey = qy - s[1] - t * dy;
        double ez = qz - s[2] - t * dz;
        return Math.sqrt(ex * ex + ey * ey + ez * ez);
    }

    private static double[][] fibonacciSphere(int n) {
        double[][] d = new double[n][];
        double golden = Math.PI * (3 - Math.sqrt(5));
        for (int i = 0; i < n; i++) {
            double z = 1 - 2 * (i + 0.5) / n;
            double s = Math.sqrt(1 - z * z);
            d[i] = new double[] { s * Math.cos(golden * i), s * Math.sin(golden * i), z };
        }
        return d;
    }
}
