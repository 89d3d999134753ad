package io.medseg.nn.networks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** nnU-Net's topology rule (get_pool_and_conv_props, minimum bottleneck edge 4), worked by hand. */
class BackbonePlanTest {

    @Test
    void anisotropicDataPoolsTheFineAxesFirstWithFlatKernels() {
        // spacing (2.5, 0.8, 0.8), patch 40x128x128: the coarse first axis is neither pooled nor convolved across
        // until the in-plane spacing has caught up, and the last pooling leaves it alone again (5 < 8 voxels)
        BackbonePlan p = BackbonePlan.forPatch(new long[] { 40, 128, 128 }, new double[] { 2.5, 0.8, 0.8 });
        assertArrayEquals(new long[][] { { 1, 1, 1 }, { 1, 2, 2 }, { 2, 2, 2 }, { 2, 2, 2 }, { 2, 2, 2 }, { 1, 2, 2 } },
                p.strides());
        assertArrayEquals(new long[][] { { 1, 3, 3 }, { 3, 3, 3 }, { 3, 3, 3 }, { 3, 3, 3 }, { 3, 3, 3 }, { 3, 3, 3 } },
                p.kernels());
        assertArrayEquals(new int[] { 32, 64, 128, 256, 320, 320 }, p.features());
    }

    @Test
    void isotropic2DStopsWhenOnlyOneShortAxisIsLeft() {
        // 256x192 -> 128x96 -> 64x48 -> 32x24 -> 16x12 -> 8x6; then only the first axis has 8 voxels, and a single
        // axis is pooled only from 12 voxels on: five poolings, six stages, features capped at 512 in 2D
        BackbonePlan p = BackbonePlan.forPatch(256, 192);
        assertArrayEquals(new long[][] { { 1, 1 }, { 2, 2 }, { 2, 2 }, { 2, 2 }, { 2, 2 }, { 2, 2 } }, p.strides());
        assertArrayEquals(new int[] { 32, 64, 128, 256, 512, 512 }, p.features());
    }
}
