package io.medseg.preprocessing.sampling;

/** Shape helpers shared by the sampling classes: every grid is handled as 3D, a 2D grid having one slice. */
final class Grid {
    private Grid() {
    }

    /** The shape padded to three axes with 1. */
    static int[] three(int[] shape) {
        if (shape.length < 2 || shape.length > 3) {
            throw new IllegalArgumentException("expected 2 or 3 spatial axes, got " + shape.length);
        }
        return new int[] { shape[0], shape[1], shape.length == 3 ? shape[2] : 1 };
    }

    static int[] three(long[] shape) {
        int[] s = new int[shape.length];
        for (int d = 0; d < s.length; d++) {
            s[d] = Math.toIntExact(shape[d]);
        }
        return three(s);
    }

    static int voxels(int[] shape) {
        int v = 1;
        for (int s : shape) {
            v = Math.multiplyExact(v, s);
        }
        return v;
    }
}
