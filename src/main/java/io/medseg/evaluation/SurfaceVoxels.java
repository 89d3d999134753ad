package io.medseg.evaluation;

/**
 * The surface of a binary mask as a set of voxels: a foreground voxel is on the surface when at least one voxel of its
 * full 3^d neighbourhood (8 neighbours in 2D, 26 in 3D) is background. Voxels outside the grid count as background, as
 * in DeepMind's surface-distance package, which zero-pads the mask, so an object touching the image border has a
 * surface there. Every surface voxel has weight 1 (we do not use that package's surfel-area weighting).
 */
public final class SurfaceVoxels {
    private SurfaceVoxels() {
    }

    public static boolean[] of(boolean[] mask, Grid grid) {
        int nx = grid.size3(0);
        int ny = grid.size3(1);
        int nz = grid.size3(2);
        // a 2D grid has no neighbours along the third axis; counting the absent slices as background would make
        // every foreground pixel a surface pixel
        int dzMax = grid.dims() == 3 ? 1 : 0;
        boolean[] surface = new boolean[mask.length];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    int idx = x + nx * (y + ny * z);
                    if (mask[idx]) {
                        surface[idx] = touchesBackground(mask, nx, ny, nz, x, y, z, dzMax);
                    }
                }
            }
        }
        return surface;
    }

    private static boolean touchesBackground(boolean[] mask, int nx, int ny, int nz, int x, int y, int z, int dzMax) {
        for (int dz = -dzMax; dz <= dzMax; dz++) {
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    int xx = x + dx;
                    int yy = y + dy;
                    int zz = z + dz;
                    if (xx < 0 || yy < 0 || zz < 0 || xx >= nx || yy >= ny || zz >= nz) {
                        return true;
                    }
                    if (!mask[xx + nx * (yy + ny * zz)]) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
