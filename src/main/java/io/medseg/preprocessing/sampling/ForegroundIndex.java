package io.medseg.preprocessing.sampling;

import java.util.SplittableRandom;

import io.medseg.preprocessing.PreprocessedCase;

/**
 * Where each foreground class of one case lies: per class present (label > 0), a subsample of its voxels' linear
 * indices, so a foreground-centred patch costs one random pick instead of a scan of the label map. As in nnU-Net, at
 * most {@value #MAX_SAMPLES} voxels per class are kept, but never fewer than 1% of the class, so small structures stay
 * represented and large ones stay cheap. The subsample is drawn with a fixed generator, so the index is the same on
 * every run.
 */
final class ForegroundIndex {
    static final int MAX_SAMPLES = 10_000;
    static final double MIN_COVERAGE = 0.01;

    private final short[] classes;
    private final int[][] voxels;

    private ForegroundIndex(short[] classes, int[][] voxels) {
        this.classes = classes;
        this.voxels = voxels;
    }

    static ForegroundIndex of(PreprocessedCase c, long seed) {
        short[] label = c.label();
        if (label == null) {
            return new ForegroundIndex(new short[0], new int[0][]);
        }
        int max = 0;
        for (short l : label) {
            max = Math.max(max, l);
        }
        int[] counts = new int[max + 1];
        for (short l : label) {
            if (l > 0) {
                counts[l]++;
            }
        }
        int present = 0;
        for (int k = 1; k <= max; k++) {
            present += counts[k] > 0 ? 1 : 0;
        }
        short[] classes = new short[present];
        int[][] all = new int[max + 1][];
        for (int k = 1, q = 0; k <= max; k++) {
            if (counts[k] > 0) {
                classes[q++] = (short) k;
                all[k] = new int[counts[k]];
            }
        }
        int[] fill = new int[max + 1];
        for (int v = 0; v < label.length; v++) {
            if (label[v] > 0) {
                all[label[v]][fill[label[v]]++] = v;
            }
        }
        SplittableRandom r = new SplittableRandom(seed);
        int[][] kept = new int[present][];
        for (int q = 0; q < present; q++) {
            kept[q] = subsample(all[classes[q]], r);
        }
        return new ForegroundIndex(classes, kept);
    }

    /** A random subset (partial Fisher–Yates shuffle) of min(n, max(10 000, ⌈1% of n⌉)) indices. */
    private static int[] subsample(int[] v, SplittableRandom r) {
        int keep = Math.min(v.length, Math.max(MAX_SAMPLES, (int) Math.ceil(v.length * MIN_COVERAGE)));
        if (keep == v.length) {
            return v;
        }
        for (int q = 0; q < keep; q++) {
            int swap = q + r.nextInt(v.length - q);
            int t = v[q];
            v[q] = v[swap];
            v[swap] = t;
        }
        return java.util.Arrays.copyOf(v, keep);
    }

    boolean isEmpty() {
        return classes.length == 0;
    }

    /** Classes present, ascending. */
    short[] classes() {
        return classes.clone();
    }

    /** A linear voxel index of a uniformly chosen present class (nnU-Net picks the class first, so rare ones get seen). */
    int draw(SplittableRandom r) {
        int[] v = voxels[r.nextInt(classes.length)];
        return v[r.nextInt(v.length)];
    }
}
