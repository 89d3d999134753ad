package io.medseg.preprocessing.sampling;

import java.util.List;
import java.util.SplittableRandom;

import io.medseg.preprocessing.PreprocessedCase;

/**
 * Chooses where training patches come from: a uniformly random case and a centre that is either random or a random
 * foreground voxel of a random present class. Which samples are forced onto foreground is decided per batch, so the
 * fraction is guaranteed rather than expected: batch n forces ⌈(n+1)·B·f⌉ − ⌈n·B·f⌉ samples (its last ones, as
 * nnU-Net forces the last third of a batch), hence after any number of whole batches at least a fraction f of the
 * samples were forced. Unlike nnU-Net's round(B·(1−f)) rule this also holds for batch size 1 (every third batch is
 * forced at f = 1/3 rather than none).
 *
 * <p>Random centres keep the unaugmented patch inside the case where it fits (and centre the case in it where it does
 * not); foreground centres are the voxel itself, so such patches may extend past the border and are padded (image 0,
 * label −1, see {@link SpatialTransform}). Cases without foreground fall back to a random centre.
 */
public final class PatchSampler {
    /** nnU-Net's oversample_foreground_percent. */
    public static final double DEFAULT_FOREGROUND_FRACTION = 1.0 / 3;

    private final List<PreprocessedCase> cases;
    private final ForegroundIndex[] foreground;
    private final int[] patchShape;
    private final double foregroundFraction;

    /**
     * @param indexSeed seeds the subsampling of the foreground voxel lists
     */
    public PatchSampler(List<PreprocessedCase> cases, int[] patchShape, double foregroundFraction, long indexSeed) {
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("no cases to sample from");
        }
        if (!(foregroundFraction >= 0 && foregroundFraction <= 1)) {
            throw new IllegalArgumentException("foreground fraction must be in [0, 1], got " + foregroundFraction);
        }
        Grid.three(patchShape);
        this.cases = List.copyOf(cases);
        this.patchShape = patchShape.clone();
        this.foregroundFraction = foregroundFraction;
        this.foreground = new ForegroundIndex[cases.size()];
        for (int i = 0; i < foreground.length; i++) {
            PreprocessedCase c = cases.get(i);
            if (c.shape().length != patchShape.length) {
                throw new IllegalArgumentException("case " + c.id() + " has " + c.shape().length + " axes, patch "
                        + patchShape.length);
            }
            foreground[i] = ForegroundIndex.of(c, indexSeed + i);
        }
    }

    /** A sampled location: the case and the centre voxel of the patch in it. */
    public record Location(int caseIndex, int[] centre, boolean forcedForeground) {
    }

    public List<PreprocessedCase> cases() {
        return cases;
    }

    public int[] patchShape() {
        return patchShape.clone();
    }

    /** How many of batch {@code batchIndex}'s {@code batchSize} samples (its last ones) are forced onto foreground. */
    public int forcedInBatch(long batchIndex, int batchSize) {
        return (int) (Math.ceil((batchIndex + 1) * (double) batchSize * foregroundFraction)
                - Math.ceil(batchIndex * (double) batchSize * foregroundFraction));
    }

    public Location draw(SplittableRandom r, boolean forceForeground) {
        int ci = r.nextInt(cases.size());
        PreprocessedCase c = cases.get(ci);
        int[] s = Grid.three(c.shape());
        int dims = patchShape.length;
        int[] centre = new int[dims];
        if (forceForeground && !foreground[ci].isEmpty()) {
            int v = foreground[ci].draw(r);
            centre[0] = v % s[0];
            centre[1] = (v / s[0]) % s[1];
            if (dims == 3) {
                centre[2] = v / (s[0] * s[1]);
            }
        } else {
            for (int d = 0; d < dims; d++) {
                int half = patchShape[d] / 2;
                // centre range that keeps [centre − half, centre − half + patch) inside; reversed if the case is smaller
                int a = half, b = s[d] - patchShape[d] + half;
                int lo = Math.min(a, b), hi = Math.max(a, b);
                centre[d] = lo + r.nextInt(hi - lo + 1);
            }
        }
        return new Location(ci, centre, forceForeground);
    }

    /** The unaugmented patch at a location (padded where it leaves the case). */
    public Patch extract(Location at) {
        return SpatialTransform.identity(patchShape).apply(cases.get(at.caseIndex()), at.centre());
    }

    /** Draws and extracts one unaugmented patch. */
    public Patch sample(SplittableRandom r, boolean forceForeground) {
        return extract(draw(r, forceForeground));
    }
}
