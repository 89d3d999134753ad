package io.medseg.synth;

import java.util.Arrays;

import io.medseg.MedSegException;
import io.medseg.image.Geometry;
import io.medseg.image.Volume;
import net.imglib2.img.array.ArrayImgs;

/**
 * Generates synthetic abdominal CT phantoms with organ and lesion labels. A case is a pure function of (seed, case
 * index, shape): its random numbers come from {@link CaseRandom}, never from shared state, so cases can be generated in
 * any order or in parallel.
 *
 * <p>Steps: draw a scanner geometry, draw the anatomy, render tissue values plus a smooth bias field, blur (partial
 * volume), add noise, round to int16 HU.
 */
public final class PhantomGenerator {
    /** Default 2D shape (i, j). */
    public static final int[] DEFAULT_SHAPE_2D = { 128, 128 };
    /** Default 3D shape (i, j, k). */
    public static final int[] DEFAULT_SHAPE_3D = { 64, 64, 64 };
    /** Smallest size per axis: below this the organ is a few voxels and lesions do not fit inside it. */
    public static final int MIN_SIZE = 16;
    /** Largest size per axis, to keep a typo from allocating gigabytes. */
    public static final int MAX_SIZE = 1024;

    /** Partial-volume blur, in voxels. */
    static final double BLUR_SIGMA = 0.7;
    /** Range of the per-case noise standard deviation, HU. */
    static final double MIN_NOISE = 10;
    static final double MAX_NOISE = 25;
    /** The range of values CT scanners store. */
    private static final int MIN_HU = -1024;
    private static final int MAX_HU = 3071;

    private PhantomGenerator() {
    }

    /** The default shape for 2D or 3D phantoms. */
    public static int[] defaultShape(int dims) {
        checkDims(dims);
        return (dims == 2 ? DEFAULT_SHAPE_2D : DEFAULT_SHAPE_3D).clone();
    }

    /**
     * Generates case {@code caseIndex} of the dataset with {@code seed}.
     *
     * @param shape spatial shape (i, j) for 2D or (i, j, k) for 3D, each between {@link #MIN_SIZE} and
     *            {@link #MAX_SIZE}
     */
    public static SyntheticCase generate(int[] shape, long seed, int caseIndex) {
        checkShape(shape);
        if (caseIndex < 0) {
            throw new IllegalArgumentException("case index must be >= 0, got " + caseIndex);
        }
        CaseRandom root = CaseRandom.forCase(seed, caseIndex);
        CaseRandom geometryRandom = root.split();
        CaseRandom anatomyRandom = root.split();
        CaseRandom biasRandom = root.split();
        CaseRandom noiseRandom = root.split();

        double noiseSigma = noiseRandom.uniform(MIN_NOISE, MAX_NOISE);
        Geometry geometry = ScanGeometrySampler.sample(geometryRandom, shape);
        PhantomAnatomy anatomy = PhantomAnatomy.sample(anatomyRandom, geometry, shape, noiseSigma);
        BiasField bias = BiasField.sample(biasRandom);

        int n = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        float[] hu = new float[n];
        byte[] labels = new byte[n];
        render(anatomy, bias, shape, hu, labels);
        ImageDegradation.blur(hu, shape, BLUR_SIGMA);
        ImageDegradation.addNoise(hu, noiseSigma, noiseRandom);

        short[] stored = new short[n];
        for (int i = 0; i < n; i++) {
            stored[i] = (short) Math.max(MIN_HU, Math.min(MAX_HU, Math.round(hu[i])));
        }
        long[] dims = new long[shape.length + 1];
        for (int d = 0; d < shape.length; d++) {
            dims[d] = shape[d];
        }
        dims[shape.length] = 1; // single channel
        Volume image = Volume.of(ArrayImgs.shorts(stored, dims), geometry);
        Volume label = Volume.of(ArrayImgs.unsignedBytes(labels, dims), geometry);
        return new SyntheticCase(caseIndex, image, label, anatomy.lesionCount());
    }

    /** Fills tissue values (plus bias inside the body) and labels, walking q incrementally in array order. */
    private static void render(PhantomAnatomy anatomy, BiasField bias, int[] shape, float[] hu, byte[] labels) {
        PatientFrame frame = anatomy.frame();
        double[] huTable = anatomy.huTable();
        int[] labelTable = anatomy.labelTable();
        int ni = shape[0];
        int nj = shape[1];
        int nk = shape.length == 3 ? shape[2] : 1;
        double[] di = frame.step(0);
        double[] dj = frame.step(1);
        double[] dk = shape.length == 3 ? frame.step(2) : new double[3];
        double[] corner = frame.corner();
        int air = Tissue.AIR.ordinal();
        int index = 0;
        for (int k = 0; k < nk; k++) {
            for (int j = 0; j < nj; j++) {
                double x = corner[0] + j * dj[0] + k * dk[0];
                double y = corner[1] + j * dj[1] + k * dk[1];
                double z = corner[2] + j * dj[2] + k * dk[2];
                for (int i = 0; i < ni; i++, index++, x += di[0], y += di[1], z += di[2]) {
                    int code = anatomy.tissueCode(x, y, z);
                    // the bias models the scanner's response to the patient, so air stays at -1000
                    hu[index] = (float) (huTable[code] + (code == air ? 0 : bias.at(x, y, z)));
                    labels[index] = (byte) labelTable[code];
                }
            }
        }
    }

    private static void checkShape(int[] shape) {
        if (shape == null) {
            throw new MedSegException("phantom size is missing");
        }
        checkDims(shape.length);
        for (int s : shape) {
            if (s < MIN_SIZE || s > MAX_SIZE) {
                throw new MedSegException("phantom size " + Arrays.toString(shape) + ": each axis must be between "
                        + MIN_SIZE + " and " + MAX_SIZE + " voxels");
            }
        }
    }

    private static void checkDims(int dims) {
        if (dims != 2 && dims != 3) {
            throw new MedSegException("phantoms are 2D or 3D, got " + dims + " dimensions");
        }
    }
}
