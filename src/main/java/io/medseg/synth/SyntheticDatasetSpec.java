package io.medseg.synth;

import java.util.Arrays;

import io.medseg.MedSegException;
import io.medseg.io.ImageFormat;

/**
 * What synthetic dataset to generate.
 *
 * @param dims 2 (axial slices) or 3 (volumes)
 * @param cases number of cases, at least 1; 20% of them (at least one when there are two or more) become test cases
 * @param seed the dataset's seed; case k depends only on (seed, k, shape)
 * @param shape spatial shape per case, (i, j) or (i, j, k); each axis {@link PhantomGenerator#MIN_SIZE} to
 *            {@link PhantomGenerator#MAX_SIZE}
 * @param fileEnding ".nii.gz" or ".nii": NIfTI keeps HU values and geometry for 2D and 3D alike
 * @param kind what the images show (null: {@link SyntheticKind#CT})
 */
public record SyntheticDatasetSpec(int dims, int cases, long seed, int[] shape, String fileEnding,
        SyntheticKind kind) {
    public static final String DEFAULT_FILE_ENDING = ".nii.gz";

    public SyntheticDatasetSpec {
        if (dims != 2 && dims != 3) {
            throw new MedSegException("synthetic datasets are 2D or 3D, got --dims " + dims);
        }
        if (cases < 1) {
            throw new MedSegException("number of cases must be at least 1, got " + cases);
        }
        shape = shape == null ? PhantomGenerator.defaultShape(dims) : shape.clone();
        if (shape.length != dims) {
            throw new MedSegException("size " + Arrays.toString(shape) + " has " + shape.length + " axes; a " + dims
                    + "D dataset needs " + dims + " (e.g. " + (dims == 2 ? "128,128" : "96,96,48") + ")");
        }
        for (int axis : shape) {
            if (axis < PhantomGenerator.MIN_SIZE || axis > PhantomGenerator.MAX_SIZE) {
                throw new MedSegException("size " + Arrays.toString(shape) + ": each axis must be between "
                        + PhantomGenerator.MIN_SIZE + " and " + PhantomGenerator.MAX_SIZE + " voxels");
            }
        }
        fileEnding = fileEnding == null ? DEFAULT_FILE_ENDING : fileEnding;
        kind = kind == null ? SyntheticKind.CT : kind;
        ImageFormat format = ImageFormat.detect(java.nio.file.Path.of("x" + fileEnding));
        if (format == null || !format.isNifti() || !fileEnding.equals(format.ending())) {
            throw new MedSegException("synthetic datasets are written as .nii.gz or .nii (HU values and geometry need "
                    + "NIfTI), got " + fileEnding);
        }
    }

    /** CT phantoms with the default file ending; {@code shape} null means the default for {@code dims}. */
    public static SyntheticDatasetSpec of(int dims, int cases, long seed, int[] shape) {
        return new SyntheticDatasetSpec(dims, cases, seed, shape, DEFAULT_FILE_ENDING, SyntheticKind.CT);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of test cases: a fifth, but at least one as soon as one case can be spared for training. */
    public int testCases() {
        return cases < 2 ? 0 : Math.max(1, Math.round(cases * 0.2f));
    }

    public int trainingCases() {
        return cases - testCases();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyntheticDatasetSpec s && s.dims == dims && s.cases == cases && s.seed == seed
                && Arrays.equals(s.shape, shape) && s.fileEnding.equals(fileEnding) && s.kind == kind;
    }

    @Override
    public int hashCode() {
        return (Arrays.hashCode(new long[] { dims, cases, seed }) * 31 + Arrays.hashCode(shape) + fileEnding.hashCode())
                * 31 + kind.hashCode();
    }

    @Override
    public String toString() {
        return "SyntheticDatasetSpec[dims=" + dims + ", cases=" + cases + ", seed=" + seed + ", shape="
                + Arrays.toString(shape) + ", fileEnding=" + fileEnding + ", kind=" + kind + "]";
    }
}
