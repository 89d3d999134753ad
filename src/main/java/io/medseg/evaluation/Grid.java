package io.medseg.evaluation;

import java.util.Arrays;

/**
 * The voxel grid a mask lives on: 2 or 3 spatial axes, their sizes and their spacing in mm. Masks are flat arrays in
 * imglib2's flat-iteration order (axis 0 fastest), so index = i + n0 * (j + n1 * k). A 2D grid is handled as a 3D grid
 * with one slice whose third axis has no neighbours, which keeps every algorithm a single code path.
 */
public record Grid(int dims, int[] size, double[] spacing) {
    public Grid {
        if (dims != 2 && dims != 3) {
            throw new IllegalArgumentException("grid must be 2D or 3D, got " + dims + " axes");
        }
        if (size.length != dims || spacing.length != dims) {
            throw new IllegalArgumentException("size and spacing need " + dims + " entries");
        }
        for (int d = 0; d < dims; d++) {
            if (size[d] < 1 || !(spacing[d] > 0) || Double.isInfinite(spacing[d])) {
                throw new IllegalArgumentException("bad grid axis " + d + ": size " + size[d] + ", spacing " + spacing[d]);
            }
        }
        size = size.clone();
        spacing = spacing.clone();
    }

    /**
     * The grid of an image with {@code size} and {@code spacing} per spatial axis. A 3D image one voxel thick along an
     * axis (a 2D slice stored as an i x j x 1 NIfTI volume, the common case) is a plane, not a slab: it becomes the 2D
     * grid of its other two axes, so that its surface is the in-plane one of a 2D image. Scored as 3D, the absent
     * slices above and below would count as background and make every foreground pixel a surface pixel. Dropping an
     * axis of size 1 keeps the flat voxel order, so the image's values need no reordering.
     */
    public static Grid ofImage(int[] size, double[] spacing) {
        if (size.length == 3 && spacing.length == 3) {
            int thin = -1;
            int thinAxes = 0;
            for (int d = 0; d < 3; d++) {
                if (size[d] == 1) {
                    thin = d;
                    thinAxes++;
                }
            }
            // with two or three axes of size 1 there is no plane (a line or a voxel); it stays a 3D grid
            if (thinAxes == 1) {
                int[] planeSize = new int[2];
                double[] planeSpacing = new double[2];
                for (int d = 0, e = 0; d < 3; d++) {
                    if (d != thin) {
                        planeSize[e] = size[d];
                        planeSpacing[e++] = spacing[d];
                    }
                }
                return new Grid(2, planeSize, planeSpacing);
            }
        }
        return new Grid(size.length, size, spacing);
    }

    /** Number of voxels. */
    public int voxels() {
        long n = 1;
        for (int s : size) {
            n *= s;
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("grid " + Arrays.toString(size) + " is too large to score in memory");
        }
        return (int) n;
    }

    /** Size along axis d, 1 for the missing third axis of a 2D grid. */
    public int size3(int d) {
        return d < dims ? size[d] : 1;
    }

    /** Physical size of one voxel: mm^3 in 3D, mm^2 in 2D. */
    public double voxelVolume() {
        double v = 1;
        for (double s : spacing) {
            v *= s;
        }
        return v;
    }

    @Override
    public int[] size() {
        return size.clone();
    }

    @Override
    public double[] spacing() {
        return spacing.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Grid g && g.dims == dims && Arrays.equals(g.size, size) && Arrays.equals(g.spacing, spacing);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(size) + Arrays.hashCode(spacing);
    }

    @Override
    public String toString() {
        return Arrays.toString(size) + " @ " + Arrays.toString(spacing) + " mm";
    }
}
