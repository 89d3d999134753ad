package io.medseg.inference;

/**
 * The most probable class per voxel, built one class map at a time so that a K-class prediction never needs all K
 * maps at once (the maps on the original grid are resampled class by class). Ties go to the lower class, as numpy's
 * {@code argmax}.
 */
public final class ClassArgmax {
    private final float[] best;
    private final short[] classes;
    private int next;

    public ClassArgmax(int voxels) {
        best = new float[voxels];
        classes = new short[voxels];
    }

    /** Adds the next class's map (class 0 first): {@code voxels} values of {@code maps} from {@code offset}. */
    public void accept(float[] maps, int offset) {
        if (next == 0) {
            System.arraycopy(maps, offset, best, 0, best.length);
        } else {
            short c = (short) next;
            for (int v = 0; v < best.length; v++) {
                float p = maps[offset + v];
                if (p > best[v]) {
                    best[v] = p;
                    classes[v] = c;
                }
            }
        }
        next++;
    }

    /** The winning class index per voxel among the classes given so far. */
    public short[] classes() {
        return classes.clone();
    }

    /** The argmax of classes × voxels maps flattened class by class. */
    public static short[] of(float[] maps, int classCount) {
        int voxels = maps.length / classCount;
        ClassArgmax a = new ClassArgmax(voxels);
        for (int c = 0; c < classCount; c++) {
            a.accept(maps, c * voxels);
        }
        return a.classes;
    }
}
