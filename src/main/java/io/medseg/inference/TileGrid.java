package io.medseg.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where the tiles of a sliding window go, as nnU-Net v2 places them ({@code compute_steps_for_sliding_window}): per
 * axis the target step is patch × (1 − overlap), the number of tiles ceil((size − patch) / step) + 1, and the tiles
 * are spread evenly from 0 to size − patch (each start rounded half to even, as numpy's {@code round}), so the first
 * tile is flush with the start and the last with the end of the axis. An axis no longer than the patch gets one tile
 * at 0; the caller pads such an axis to the patch size first (see {@link #paddedShape}).
 */
public final class TileGrid {
    private TileGrid() {
    }

    /** Tile starts along one axis of {@code size} voxels (size ≥ patch). */
    public static long[] positions(long size, long patch, double overlap) {
        checkOverlap(overlap);
        if (patch < 1 || size < patch) {
            throw new IllegalArgumentException("axis of " + size + " voxels is shorter than the patch " + patch
                    + "; pad it first");
        }
        double step = patch * (1 - overlap);
        long max = size - patch;
        int count = (int) Math.ceil(max / step) + 1;
        long[] starts = new long[count];
        if (count > 1) {
            double actual = (double) max / (count - 1);
            for (int i = 0; i < count; i++) {
                starts[i] = (long) Math.rint(actual * i);
            }
        }
        return starts;
    }

    /** Every tile's start (one long[] per tile, axes in the image's order), the last axis varying fastest. */
    public static List<long[]> tiles(long[] shape, long[] patch, double overlap) {
        if (shape.length != patch.length) {
            throw new IllegalArgumentException("image has " + shape.length + " axes, the patch " + patch.length);
        }
        long[][] perAxis = new long[shape.length][];
        long total = 1;
        for (int a = 0; a < shape.length; a++) {
            perAxis[a] = positions(shape[a], patch[a], overlap);
            total *= perAxis[a].length;
        }
        List<long[]> tiles = new ArrayList<>(Math.toIntExact(total));
        int[] at = new int[shape.length];
        for (long t = 0; t < total; t++) {
            long[] start = new long[shape.length];
            for (int a = 0; a < shape.length; a++) {
                start[a] = perAxis[a][at[a]];
            }
            tiles.add(start);
            for (int a = shape.length - 1; a >= 0; a--) {
                if (++at[a] < perAxis[a].length) {
                    break;
                }
                at[a] = 0;
            }
        }
        return tiles;
    }

    /** The image shape grown to at least the patch on every axis (nnU-Net pads small images before tiling). */
    public static long[] paddedShape(long[] shape, long[] patch) {
        long[] p = shape.clone();
        for (int a = 0; a < p.length; a++) {
            p[a] = Math.max(shape[a], patch[a]);
        }
        return p;
    }

    /**
     * Where the image starts inside its padded shape: the padding is split evenly with the odd voxel at the high end,
     * as nnU-Net's {@code pad_nd_image}, so a small image sits in the middle of its tile.
     */
    public static long[] padOffset(long[] shape, long[] patch) {
        long[] o = new long[shape.length];
        for (int a = 0; a < o.length; a++) {
            o[a] = Math.max(0, patch[a] - shape[a]) / 2;
        }
        return o;
    }

    static void checkOverlap(double overlap) {
        if (!(overlap >= 0 && overlap < 1)) {
            throw new IllegalArgumentException("overlap " + overlap + " is not in [0, 1)");
        }
    }

    static String describe(long[] shape) {
        return Arrays.stream(shape).mapToObj(Long::toString).reduce((x, y) -> x + "x" + y).orElse("");
    }
}
