package io.medseg.evaluation;

import java.util.SortedSet;
import java.util.TreeSet;

import io.medseg.image.Volume;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/** A segmentation as integer labels on a {@link Grid}, read once from a single-channel volume. */
public final class LabelMap {
    private final int[] labels;
    private final Grid grid;

    public LabelMap(int[] labels, Grid grid) {
        if (labels.length != grid.voxels()) {
            throw new IllegalArgumentException(labels.length + " labels for grid " + grid);
        }
        this.labels = labels.clone();
        this.grid = grid;
    }

    /**
     * Labels of a volume, rounded to the nearest integer (label files are sometimes stored as floats), on the volume's
     * {@link Grid#ofImage grid}: a one-slice volume is a 2D image. Fails for multi-channel volumes, which cannot be
     * label maps.
     */
    public static LabelMap of(Volume v) {
        if (v.channels() != 1) {
            throw new IllegalArgumentException("a label map has one channel, this image has " + v.channels());
        }
        long[] shape = v.shape();
        int[] size = new int[shape.length];
        for (int d = 0; d < size.length; d++) {
            size[d] = Math.toIntExact(shape[d]);
        }
        Grid grid = Grid.ofImage(size, v.geometry().spacing());
        int[] labels = new int[grid.voxels()];
        int i = 0;
        // flat iteration runs axis 0 fastest, the layout Grid documents
        for (RealType<?> t : Views.flatIterable(v.channel(0))) {
            labels[i++] = (int) Math.round(t.getRealDouble());
        }
        return new LabelMap(labels, grid);
    }

    public Grid grid() {
        return grid;
    }

    /** The label of every voxel, flat (first axis fastest). */
    public int[] values() {
        return labels.clone();
    }

    /** The voxels carrying {@code label}. */
    public boolean[] mask(int label) {
        boolean[] m = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            m[i] = labels[i] == label;
        }
        return m;
    }

    /** The labels present other than background 0. */
    public SortedSet<Integer> foregroundLabels() {
        SortedSet<Integer> s = new TreeSet<>();
        for (int l : labels) {
            if (l != 0) {
                s.add(l);
            }
        }
        return s;
    }
}
