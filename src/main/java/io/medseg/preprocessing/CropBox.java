package io.medseg.preprocessing;

/**
 * A box in voxel indices of the original image: start inclusive, end exclusive, per spatial axis.
 *
 * @param start first voxel per axis
 * @param end one past the last voxel per axis
 */
public record CropBox(long[] start, long[] end) {
    public CropBox {
        if (start.length != end.length) {
            throw new IllegalArgumentException("crop box start and end need the same number of axes");
        }
        for (int a = 0; a < start.length; a++) {
            if (start[a] < 0 || end[a] <= start[a]) {
                throw new IllegalArgumentException("empty or negative crop box on axis " + a);
            }
        }
        start = start.clone();
        end = end.clone();
    }

    /** The whole image of this shape. */
    public static CropBox whole(long[] shape) {
        return new CropBox(new long[shape.length], shape);
    }

    public long[] shape() {
        long[] s = new long[start.length];
        for (int a = 0; a < s.length; a++) {
            s[a] = end[a] - start[a];
        }
        return s;
    }

    @Override
    public long[] start() {
        return start.clone();
    }

    @Override
    public long[] end() {
        return end.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CropBox c && java.util.Arrays.equals(start, c.start) && java.util.Arrays.equals(end, c.end);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(start) + java.util.Arrays.hashCode(end);
    }
}
