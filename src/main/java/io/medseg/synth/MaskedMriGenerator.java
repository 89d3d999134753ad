package io.medseg.synth;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.medseg.image.Geometry;
import io.medseg.image.Volume;
import net.imglib2.img.array.ArrayImgs;

/**
 * Generates images like skull-stripped or masked MRI: an elliptic head (bright tissue inside a dark rim of
 * cerebrospinal fluid) on a background of exact zeros, with one large structure of intermediate intensity inside the
 * head labelled 1. The head covers about half of the image, so its bounding box leaves zero corners; and the
 * structure's intensity lies near the head's mean, which a z-score within the head maps to 0, the corners' value, so
 * only a segmenter trained on the corners as background gets them right. Intensities are in arbitrary MR units with a per-case scale and a smooth bias, as MR
 * intensities have no absolute meaning. A case is a pure function of (seed, case index, shape).
 */
public final class MaskedMriGenerator {
    /** The label of the structure inside the head. */
    public static final int STRUCTURE = 1;

    /** Head semi-axes as fractions of the image size per axis: the head covers roughly 30-60% of the image. */
    static final double MIN_HEAD = 0.30;
    static final double MAX_HEAD = 0.44;
    /** Normalised head radius beyond which the rim (fluid around the brain) begins. */
    static final double RIM = 0.86;
    /** Structure semi-axes as fractions of the head's. */
    static final double MIN_STRUCTURE = 0.35;
    static final double MAX_STRUCTURE = 0.6;
    /** Tissue values relative to the case's scale: rim, structure, the tissue around the structure (1). */
    static final double RIM_VALUE = 0.45;
    static final double MIN_STRUCTURE_VALUE = 0.7;
    static final double MAX_STRUCTURE_VALUE = 0.85;
    static final double TISSUE_VALUE = 1.1;
    /** Noise standard deviation relative to the scale. */
    static final double NOISE = 0.05;
    /** Partial-volume blur, in voxels. */
    static final double BLUR_SIGMA = 0.7;

    private MaskedMriGenerator() {
    }

    /** {"background": 0, "structure": 1}, for dataset.json. */
    public static Map<String, Integer> labels() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("background", 0);
        m.put("structure", STRUCTURE);
        return m;
    }

    /** Case {@code caseIndex} of the dataset with {@code seed}; {@code shape} is (i, j) or (i, j, k). */
    public static SyntheticCase generate(int[] shape, long seed, int caseIndex) {
        if (caseIndex < 0) {
            throw new IllegalArgumentException("case index must be >= 0, got " + caseIndex);
        }
        int dims = shape.length;
        CaseRandom r = CaseRandom.forCase(seed, caseIndex);
        double scale = r.uniform(200, 800);
        double angle = r.uniform(-0.4, 0.4); // in-plane tilt of head and structure
        Ellipsoid head = new Ellipsoid(dims, angle);
        Ellipsoid structure = new Ellipsoid(dims, angle + r.uniform(-0.5, 0.5));
        for (int a = 0; a < dims; a++) {
            head.centre[a] = shape[a] * (0.5 + r.uniform(-0.04, 0.04));
            head.radius[a] = shape[a] * r.uniform(MIN_HEAD, MAX_HEAD);
            structure.radius[a] = head.radius[a] * r.uniform(MIN_STRUCTURE, MAX_STRUCTURE);
        }
        // the structure's centre lies near the head's; where an elongated head brings the rim closer, the rim wins
        double[] direction = new double[dims];
        double length = 0;
        for (int a = 0; a < dims; a++) {
            direction[a] = r.gaussian();
            length += direction[a] * direction[a];
        }
        double reach = r.uniform(0, 0.2) / Math.sqrt(length);
        for (int a = 0; a < dims; a++) {
            structure.centre[a] = head.centre[a] + direction[a] * reach * head.radius[a];
        }
        double structureValue = r.uniform(MIN_STRUCTURE_VALUE, MAX_STRUCTURE_VALUE);
        double[] bias = new double[dims];
        for (int a = 0; a < dims; a++) {
            bias[a] = r.uniform(-0.15, 0.15) / shape[a];
        }

        int n = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        float[] values = new float[n];
        byte[] labels = new byte[n];
        boolean[] inside = new boolean[n];
        int[] p = new int[dims];
        for (int v = 0; v < n; v++) {
            position(v, shape, p);
            double rho = head.radius(p);
            if (rho > 1) {
                continue;
            }
            inside[v] = true;
            boolean inStructure = rho <= RIM && structure.radius(p) <= 1;
            double tissue = rho > RIM ? RIM_VALUE : inStructure ? structureValue : TISSUE_VALUE;
            double b = 1;
            for (int a = 0; a < dims; a++) {
                b += bias[a] * (p[a] - head.centre[a]);
            }
            values[v] = (float) (scale * tissue * b);
            labels[v] = (byte) (inStructure ? STRUCTURE : 0);
        }
        ImageDegradation.blur(values, shape, BLUR_SIGMA);
        ImageDegradation.addNoise(values, NOISE * scale, r);
        short[] stored = new short[n];
        for (int v = 0; v < n; v++) {
            // masking happens after blur and noise, as skull stripping does: exact zeros outside, at least 1 inside
            stored[v] = inside[v] ? (short) Math.max(1, Math.min(Short.MAX_VALUE, Math.round(values[v]))) : 0;
        }
        long[] dimsWithChannel = new long[dims + 1];
        for (int a = 0; a < dims; a++) {
            dimsWithChannel[a] = shape[a];
        }
        dimsWithChannel[dims] = 1;
        Geometry geometry = Geometry.identity(dims);
        Volume image = Volume.of(ArrayImgs.shorts(stored, dimsWithChannel), geometry);
        Volume label = Volume.of(ArrayImgs.unsignedBytes(labels, dimsWithChannel), geometry);
        return new SyntheticCase(caseIndex, image, label, 1);
    }

    /** Voxel coordinates of flat index {@code v} (first axis fastest). */
    private static void position(int v, int[] shape, int[] p) {
        for (int a = 0; a < shape.length; a++) {
            p[a] = v % shape[a];
            v /= shape[a];
        }
    }

    /** An axis-aligned ellipsoid tilted by {@code angle} in the plane of the first two axes. */
    private static final class Ellipsoid {
        final double[] centre;
        final double[] radius;
        final double cos;
        final double sin;

        Ellipsoid(int dims, double angle) {
            centre = new double[dims];
            radius = new double[dims];
            cos = Math.cos(angle);
            sin = Math.sin(angle);
        }

        /** The normalised radius of voxel p: at most 1 inside. */
        double radius(int[] p) {
            double x = p[0] - centre[0];
            double y = p[1] - centre[1];
            double u = (cos * x + sin * y) / radius[0];
            double w = (-sin * x + cos * y) / radius[1];
            double s = u * u + w * w;
            for (int a = 2; a < p.length; a++) {
                double z = (p[a] - centre[a]) / radius[a];
                s += z * z;
            }
            return Math.sqrt(s);
        }
    }
}
