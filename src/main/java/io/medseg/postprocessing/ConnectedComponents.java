package io.medseg.postprocessing;

import java.util.Arrays;

/**
 * Connected components of a binary mask on a 2D or 3D voxel grid (flat array, first axis fastest), with full
 * connectivity: voxels sharing a face, an edge or a corner are connected (8 neighbours in 2D, 26 in 3D), as
 * {@code skimage.measure.label} connects them by default, which nnU-Net's component removal uses.
 */
public final class ConnectedComponents {
    private final int[] ids;
    private final int[] sizes;

    private ConnectedComponents(int[] ids, int[] sizes) {
        this.ids = ids;
        this.sizes = sizes;
    }

    /**
     * Labels the components of {@code mask}.
     *
     * @param shape the grid's size per axis, 2 or 3 entries, whose product is {@code mask.length}
     */
    public static ConnectedComponents of(boolean[] mask, int[] shape) {
        int[] s = grid(shape, mask.length);
        int[] ids = new int[mask.length];
        int[] sizes = new int[16];
        int count = 0;
        int[] queue = new int[64];
        for (int seed = 0; seed < mask.length; seed++) {
            if (!mask[seed] || ids[seed] != 0) {
                continue;
            }
            count++;
            ids[seed] = count;
            int head = 0;
            int tail = 0;
            queue[tail++] = seed;
            while (head < tail) {
                int v = queue[head++];
                int i = v % s[0];
                int j = (v / s[0]) % s[1];
                int k = v / (s[0] * s[1]);
                for (int dk = Math.max(k - 1, 0); dk <= Math.min(k + 1, s[2] - 1); dk++) {
                    for (int dj = Math.max(j - 1, 0); dj <= Math.min(j + 1, s[1] - 1); dj++) {
                        int row = s[0] * (dj + s[1] * dk);
                        for (int di = Math.max(i - 1, 0); di <= Math.min(i + 1, s[0] - 1); di++) {
                            int w = row + di;
                            if (mask[w] && ids[w] == 0) {
                                ids[w] = count;
                                if (tail == queue.length) {
                                    queue = Arrays.copyOf(queue, Math.min(mask.length, queue.length * 2));
                                }
                                queue[tail++] = w;
                            }
                        }
                    }
                }
            }
            if (count == sizes.length) {
                sizes = Arrays.copyOf(sizes, sizes.length * 2);
            }
            sizes[count] = tail;
        }
        return new ConnectedComponents(ids, Arrays.copyOf(sizes, count + 1));
    }

    /** Number of components. */
    public int count() {
        return sizes.length - 1;
    }

    /** Per voxel the component it belongs to, 1..{@link #count()}, or 0 outside the mask. */
    public int[] ids() {
        return ids.clone();
    }

    /** Voxels of component {@code id} (1-based). */
    public int size(int id) {
        if (id < 1 || id > count()) {
            throw new IllegalArgumentException("no component " + id + " (there are " + count() + ")");
        }
        return sizes[id];
    }

    /**
     * The voxels of the largest component; every component of the largest size when several tie (as nnU-Net keeps
     * them all). All false for an empty mask.
     */
    public boolean[] largest() {
        int max = 0;
        for (int c = 1; c < sizes.length; c++) {
            max = Math.max(max, sizes[c]);
        }
        boolean[] keep = new boolean[ids.length];
        for (int v = 0; v < ids.length; v++) {
            keep[v] = ids[v] != 0 && sizes[ids[v]] == max;
        }
        return keep;
    }

    /** The shape as three sizes (a 2D grid has one slice), checked against the voxel count. */
    private static int[] grid(int[] shape, int voxels) {
        if (shape.length != 2 && shape.length != 3) {
            throw new IllegalArgumentException("components need a 2D or 3D grid, got " + Arrays.toString(shape));
        }
        int[] s = { shape[0], shape[1], shape.length == 3 ? shape[2] : 1 };
        if ((long) s[0] * s[1] * s[2] != voxels) {
            throw new IllegalArgumentException("grid " + Arrays.toString(shape) + " does not hold " + voxels
                    + " voxels");
        }
        return s;
    }
}
