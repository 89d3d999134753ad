package io.medseg.preprocessing.sampling;

import java.util.List;
import java.util.SplittableRandom;

import io.medseg.preprocessing.PreprocessedCase;
import io.medseg.preprocessing.Slices;

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
 *
 * <p>2D patches from 3D cases (a plan that slices volumes, nnU-Net's 2d configuration) come from one slice across the
 * slice axis, as nnU-Net's 2D data loader takes them: a forced-foreground sample takes the slice of its foreground
 * voxel (so slices are chosen in proportion to the class's voxels in them) and centres on the voxel in it; any other
 * sample takes a uniformly random slice and a random centre in it.
 */
public final class PatchSampler {
    /** nnU-Net's oversample_foreground_percent. */
    public static final double DEFAULT_FOREGROUND_FRACTION = 1.0 / 3;

    private final List<PreprocessedCase> cases;
    private final ForegroundIndex[] foreground;
    private final int[] patchShape;
    private final int sliceAxis;
    private final double foregroundFraction;

    /**
     * A sampler of patches with as many axes as the cases.
     *
     * @param indexSeed seeds the subsampling of the foreground voxel lists
     */
    public PatchSampler(List<PreprocessedCase> cases, int[] patchShape, double foregroundFraction, long indexSeed) {
        this(cases, patchShape, -1, foregroundFraction, indexSeed);
    }

    /**
     * @param sliceAxis for 2D patches from 3D cases: the axis slices are taken across; −1 when the cases have the
     *        patch's axes
     * @param indexSeed seeds the subsampling of the foreground voxel lists
     */
    public PatchSampler(List<PreprocessedCase> cases, int[] patchShape, int sliceAxis, double foregroundFraction,
            long indexSeed) {
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("no cases to sample from");
        }
        if (!(foregroundFraction >= 0 && foregroundFraction <= 1)) {
            throw new IllegalArgumentException("foreground fraction must be in [0, 1], got " + foregroundFraction);
        }
        Grid.three(patchShape);
        if (sliceAxis >= 0 && (patchShape.length != 2 || sliceAxis > 2)) {
            throw new IllegalArgumentException("slices across axis " + sliceAxis + " need a 2D patch and axis 0..2");
        }
        this.sliceAxis = sliceAxis;
        int caseAxes = sliceAxis >= 0 ? 3 : patchShape.length;
        this.cases = List.copyOf(cases);
        this.patchShape = patchShape.clone();
        this.foregroundFraction = foregroundFraction;
        this.foreground = new ForegroundIndex[cases.size()];
        for (int i = 0; i < foreground.length; i++) {
            PreprocessedCase c = cases.get(i);
            if (c.shape().length != caseAxes) {
                throw new IllegalArgumentException("case " + c.id() + " has " + c.shape().length + " axes, expected "
                        + caseAxes + " for patch " + java.util.Arrays.toString(patchShape)
                        + (sliceAxis >= 0 ? " from slices across axis " + sliceAxis : ""));
            }
            foreground[i] = ForegroundIndex.of(c, indexSeed + i);
        }
    }

    /**
     * A sampled location: the case, the slice (−1 when patches have the case's axes) and the centre voxel of the
     * patch in it (in the slice's two axes when slicing).
     */
    public record Location(int caseIndex, int slice, int[] centre, boolean forcedForeground) {
        /** A location in a case with the patch's axes. */
        public Location(int caseIndex, int[] centre, boolean forcedForeground) {
            this(caseIndex, -1, centre, forcedForeground);
        }
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
        int slice = -1;
        int[] centre;
        if (forceForeground && !foreground[ci].isEmpty()) {
            int v = foreground[ci].draw(r);
            int[] voxel = { v % s[0], (v / s[0]) % s[1], v / (s[0] * s[1]) };
            if (sliceAxis >= 0) {
                slice = voxel[sliceAxis];
                centre = inPlane(voxel);
            } else {
                centre = java.util.Arrays.copyOf(voxel, patchShape.length);
            }
        } else {
            int[] size = s;
            if (sliceAxis >= 0) {
                slice = r.nextInt(s[sliceAxis]);
                size = inPlane(s);
            }
            centre = new int[patchShape.length];
            for (int d = 0; d < centre.length; d++) {
                int half = patchShape[d] / 2;
                // centre range that keeps [centre − half, centre − half + patch) inside; reversed if the case is smaller
                int a = half, b = size[d] - patchShape[d] + half;
                int lo = Math.min(a, b), hi = Math.max(a, b);
                centre[d] = lo + r.nextInt(hi - lo + 1);
            }
        }
        return new Location(ci, slice, centre, forceForeground);
    }

    /** The two coordinates of a 3D position that lie in a slice (the slice axis left out, the others in order). */
    private int[] inPlane(int[] position) {
        int[] p = new int[2];
        for (int a = 0, q = 0; a < 3; a++) {
            if (a != sliceAxis) {
                p[q++] = position[a];
            }
        }
        return p;
    }

    /** What a location's patch is read from: its case, or the case's slice when slicing. */
    public PreprocessedCase source(Location at) {
        PreprocessedCase c = cases.get(at.caseIndex());
        return at.slice() < 0 ? c : Slices.slice(c, sliceAxis, at.slice());
    }

    /** The unaugmented patch at a location (padded where it leaves the case). */
    public Patch extract(Location at) {
        return SpatialTransform.identity(patchShape).apply(source(at), at.centre());
    }

    /** Draws and extracts one unaugmented patch. */
    public Patch sample(SplittableRandom r, boolean forceForeground) {
        return extract(draw(r, forceForeground));
    }
}
