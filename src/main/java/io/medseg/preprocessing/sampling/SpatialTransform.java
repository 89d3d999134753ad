package io.medseg.preprocessing.sampling;

import java.util.SplittableRandom;

import io.medseg.preprocessing.PreprocessedCase;

/**
 * One coordinate mapping from patch voxels to case coordinates, used for both the image (linear interpolation) and
 * the label (nearest neighbour), so they stay aligned: patch voxel x goes to
 * {@code centre + A·M·(x − x0) + d(x)}, where x0 = ⌊patch/2⌋ (so the identity maps to whole voxels and the centre
 * voxel onto the centre), M negates the mirrored axes, A = rotation × scale and d is the elastic displacement.
 *
 * <p>The mapping reads the whole case, not an enlarged crop as nnU-Net does: rotated or scaled-out patches then see
 * real neighbouring tissue wherever it exists, and padding (image 0, label −1 as in nnU-Net v2's data loader; the
 * {@link Augmenter} then trains it as background) appears only where the mapped coordinates leave the case.
 */
public final class SpatialTransform {
    private final int[] patch; // three axes
    private final int dims;
    private final double[] a; // 3×3 row-major
    private final boolean[] mirror;
    private final float[][] displacement; // per axis over the patch, or null

    private SpatialTransform(int[] patchShape, double[] a, boolean[] mirror, float[][] displacement) {
        this.patch = Grid.three(patchShape);
        this.dims = patchShape.length;
        this.a = a;
        this.mirror = mirror;
        this.displacement = displacement;
    }

    /** Plain extraction: patch voxel x reads case voxel centre + x − ⌊patch/2⌋. */
    public static SpatialTransform identity(int[] patchShape) {
        return new SpatialTransform(patchShape, new double[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, new boolean[3], null);
    }

    /** Only mirroring, on the axes flagged. */
    public static SpatialTransform mirroring(int[] patchShape, boolean... axes) {
        boolean[] m = new boolean[3];
        System.arraycopy(axes, 0, m, 0, axes.length);
        return new SpatialTransform(patchShape, identity(patchShape).a, m, null);
    }

    /** Draws rotation, scaling, elastic deformation and mirroring with their probabilities. */
    static SpatialTransform draw(AugmentationSettings s, int[] patchShape, SplittableRandom r) {
        int dims = patchShape.length;
        double[] a = identity(patchShape).a;
        if (r.nextDouble() < s.rotationProbability()) {
            double max = Math.toRadians(s.maxRotationDegrees());
            if (dims == 2) {
                a = rotation(2, uniform(r, max));
            } else { // nnU-Net rotates about x, then y, then z
                a = multiply(rotation(2, uniform(r, max)), multiply(rotation(1, uniform(r, max)), rotation(0, uniform(r, max))));
            }
        }
        if (r.nextDouble() < s.scalingProbability()) {
            double f = drawScale(s.scale(), r);
            for (int q = 0; q < 9; q++) {
                a[q] *= f;
            }
            if (dims == 2) { // keep the single slice where it is
                a[8] = 1;
            }
        }
        float[][] displacement = null;
        if (r.nextDouble() < s.elasticProbability()) {
            displacement = elastic(patchShape, s.elasticAlpha().draw(r), s.elasticSigma().draw(r), r);
        }
        boolean[] mirror = new boolean[3];
        for (int d = 0; d < dims; d++) {
            mirror[d] = r.nextDouble() < s.mirrorProbability();
        }
        return new SpatialTransform(patchShape, a, mirror, displacement);
    }

    /**
     * nnU-Net's draw: half the time a factor below 1 (zoom in), otherwise above 1, so both directions are equally
     * likely although the range is asymmetric.
     */
    private static double drawScale(AugmentationSettings.Range range, SplittableRandom r) {
        if (r.nextDouble() < 0.5 && range.min() < 1) {
            return new AugmentationSettings.Range(range.min(), Math.min(1, range.max())).draw(r);
        }
        return new AugmentationSettings.Range(Math.max(1, range.min()), Math.max(1, range.max())).draw(r);
    }

    private static double uniform(SplittableRandom r, double max) {
        return (2 * r.nextDouble() - 1) * max;
    }

    /** Rotation about one axis (0, 1 or 2), acting on the other two. */
    private static double[] rotation(int axis, double angle) {
        double c = Math.cos(angle), s = Math.sin(angle);
        int p = axis == 0 ? 1 : 0, q = axis == 2 ? 1 : 2;
        double[] m = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
        m[p * 3 + p] = c;
        m[p * 3 + q] = -s;
        m[q * 3 + p] = s;
        m[q * 3 + q] = c;
        return m;
    }

    private static double[] multiply(double[] x, double[] y) {
        double[] z = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    z[i * 3 + j] += x[i * 3 + k] * y[k * 3 + j];
                }
            }
        }
        return z;
    }

    /** batchgenerators' elastic field: uniform noise in [−1, 1] per axis, Gaussian-smoothed, times alpha. */
    private static float[][] elastic(int[] patchShape, double alpha, double sigma, SplittableRandom r) {
        int n = Grid.voxels(patchShape);
        float[][] d = new float[patchShape.length][];
        double[] sigmas = new double[patchShape.length];
        java.util.Arrays.fill(sigmas, sigma);
        for (int axis = 0; axis < d.length; axis++) {
            d[axis] = new float[n];
            for (int v = 0; v < n; v++) {
                d[axis][v] = (float) (2 * r.nextDouble() - 1);
            }
            GaussianFilter.smooth(d[axis], 0, patchShape, sigmas);
            for (int v = 0; v < n; v++) {
                d[axis][v] *= (float) alpha;
            }
        }
        return d;
    }

    /**
     * Fills a patch around {@code centre} (case voxel coordinates) from the case.
     *
     * @param centre spatial coordinates, as many as the case has axes
     */
    public Patch apply(PreprocessedCase c, int[] centre) {
        int[] s = Grid.three(c.shape());
        if (c.shape().length != dims) {
            throw new IllegalArgumentException("patch has " + dims + " axes, case " + c.id() + " has " + c.shape().length);
        }
        int channels = c.channels();
        int caseVoxels = s[0] * s[1] * s[2];
        int n = patch[0] * patch[1] * patch[2];
        float[] image = new float[channels * n];
        short[] label = new short[n];
        float[] src = c.image();
        short[] lab = c.label();
        double c0 = centre[0], c1 = centre[1], c2 = dims == 3 ? centre[2] : 0;
        int v = 0;
        for (int z = 0; z < patch[2]; z++) {
            for (int y = 0; y < patch[1]; y++) {
                for (int x = 0; x < patch[0]; x++, v++) {
                    // mirroring negates the offset from the centre voxel, so that voxel stays put (for an even size
                    // the mirrored window is shifted by one voxel rather than the centre moving)
                    double u0 = (x - patch[0] / 2) * (mirror[0] ? -1 : 1);
                    double u1 = (y - patch[1] / 2) * (mirror[1] ? -1 : 1);
                    double u2 = (z - patch[2] / 2) * (mirror[2] ? -1 : 1);
                    double p0 = c0 + a[0] * u0 + a[1] * u1 + a[2] * u2;
                    double p1 = c1 + a[3] * u0 + a[4] * u1 + a[5] * u2;
                    double p2 = c2 + a[6] * u0 + a[7] * u1 + a[8] * u2;
                    if (displacement != null) {
                        p0 += displacement[0][v];
                        p1 += displacement[1][v];
                        if (dims == 3) {
                            p2 += displacement[2][v];
                        }
                    }
                    // label: nearest voxel, −1 outside (or where the case has no label)
                    long n0 = Math.round(p0), n1 = Math.round(p1), n2 = Math.round(p2);
                    boolean inside = n0 >= 0 && n0 < s[0] && n1 >= 0 && n1 < s[1] && n2 >= 0 && n2 < s[2];
                    label[v] = inside && lab != null ? lab[(int) ((n2 * s[1] + n1) * s[0] + n0)] : -1;
                    // image: (tri)linear interpolation; corners outside the case count as 0
                    int f0 = (int) Math.floor(p0), f1 = (int) Math.floor(p1), f2 = (int) Math.floor(p2);
                    double w0 = p0 - f0, w1 = p1 - f1, w2 = p2 - f2;
                    for (int ch = 0; ch < channels; ch++) {
                        int base = ch * caseVoxels;
                        double sum = 0;
                        for (int corner = 0; corner < 8; corner++) {
                            int i = f0 + (corner & 1), j = f1 + ((corner >> 1) & 1), k = f2 + (corner >> 2);
                            double w = ((corner & 1) != 0 ? w0 : 1 - w0) * (((corner >> 1) & 1) != 0 ? w1 : 1 - w1)
                                    * ((corner >> 2) != 0 ? w2 : 1 - w2);
                            if (w == 0 || i < 0 || i >= s[0] || j < 0 || j >= s[1] || k < 0 || k >= s[2]) {
                                continue;
                            }
                            sum += w * src[base + (k * s[1] + j) * s[0] + i];
                        }
                        image[ch * n + v] = (float) sum;
                    }
                }
            }
        }
        int[] shape = dims == 3 ? patch.clone() : new int[] { patch[0], patch[1] };
        return new Patch(channels, shape, image, label);
    }
}
