package io.medseg.nn.networks.lightm;

import java.util.Arrays;

import io.medseg.MedSegException;
import io.medseg.nn.networks.CostCounter;
import io.medseg.nn.networks.ModelSummary;
import io.medseg.nn.networks.ThopConvention;

/**
 * LightM-UNet's size and compute, counted analytically from its structure with {@link CostCounter}, for the released
 * network ({@link LightMUNet}, the trainer's default configuration) and for the pre-fix variant the paper's numbers
 * come from. Parts are named as {@link LightMUNet#parts()}: convInit, stage0..3, up0..2, head.
 *
 * <p>The pre-fix variant (the first upload, until commit d2bed4a of 2024-03-29) differs only in three places: the stem
 * is a full 3^d convolution in→32 without bias, each decoder block is a MONAI ResBlock (GN, ReLU, 3^d conv, GN, ReLU,
 * 3^d conv, both without bias, plus the identity) instead of a ResUpBlock, and the head's last layer is a plain 1×1
 * convolution with bias instead of a DWConv. It is only counted here, not built.
 *
 * <p>Anchors (thop, classic convention): pre-fix 3D 1→3 at 1×1×128³: 1,865,987 parameters and 457.63 GFLOPs (the
 * paper's 1.87M / 457.62G); pre-fix 2D 3→2 at 1×3×1536×1024: 1,091,810 / 267.19G.
 */
public final class LightMCost {
    /** Which code the count describes. */
    public enum Variant {
        /** The released code, as {@link LightMUNet} builds it. */
        RELEASED,
        /** The first upload the paper's parameter and FLOP figures were measured on. */
        PAPER_PRE_FIX
    }

    private static final int INIT_FILTERS = 32;
    private static final int[] BLOCKS_DOWN = { 1, 2, 2, 4 };
    private static final int[] BLOCKS_UP = { 1, 1, 1 };

    private final Variant variant;
    private final int dims;
    private final CostCounter counter;

    private LightMCost(Variant variant, int dims, ThopConvention thop) {
        this.variant = variant;
        this.dims = dims;
        this.counter = new CostCounter(thop);
    }

    /**
     * Counts the default-configured network (init filters 32, blocks [1, 2, 2, 4] / [1, 1, 1]) for one input of
     * {@code inChannels} channels and the given spatial size (every axis divisible by 8), batch 1.
     */
    public static ModelSummary count(Variant variant, int inChannels, int classes, ThopConvention thop, long... spatial) {
        int dims = spatial.length;
        if (dims != 2 && dims != 3) {
            throw new MedSegException("LightM-UNet is 2D or 3D, got spatial size " + Arrays.toString(spatial));
        }
        int divisor = 1 << (BLOCKS_DOWN.length - 1);
        for (long s : spatial) {
            if (s < divisor || s % divisor != 0) {
                throw new MedSegException("LightM-UNet needs every spatial size divisible by " + divisor + ", got "
                        + Arrays.toString(spatial));
            }
        }
        LightMCost c = new LightMCost(variant, dims, thop);
        c.walk(inChannels, classes, spatial);
        long[] input = new long[dims + 2];
        input[0] = 1;
        input[1] = inChannels;
        System.arraycopy(spatial, 0, input, 2, dims);
        return c.counter.summary("lightm-unet " + variant.name().toLowerCase(java.util.Locale.ROOT) + " " + dims + "D "
                + inChannels + "→" + classes, input);
    }

    private void walk(int in, int classes, long[] spatial) {
        int levels = BLOCKS_DOWN.length;
        long[][] size = new long[levels][];
        for (int i = 0; i < levels; i++) {
            size[i] = new long[dims];
            for (int a = 0; a < dims; a++) {
                size[i][a] = spatial[a] >> i;
            }
        }
        counter.part("convInit");
        long full = voxels(size[0]);
        if (variant == Variant.RELEASED) {
            dwConv(in, INIT_FILTERS, 3, false, full);
        } else {
            counter.conv(dims, in, INIT_FILTERS, 3, 1, false, full);
        }
        for (int i = 0; i < levels; i++) {
            counter.part("stage" + i);
            int c = INIT_FILTERS << i;
            if (i > 0) {
                rvm(c / 2, c, voxels(size[i - 1])); // at the previous resolution, then max-pooled
                counter.free();
            }
            for (int b = 0; b < BLOCKS_DOWN[i]; b++) {
                resMambaBlock(c, voxels(size[i]));
            }
        }
        for (int j = 0; j < BLOCKS_UP.length; j++) {
            counter.part("up" + j);
            int level = levels - 2 - j;
            int c = INIT_FILTERS << level;
            counter.conv(dims, 2L * c, c, 1, 1, false, voxels(size[level + 1]));
            counter.upsampleLinear2x(c, size[level + 1]);
            for (int b = 0; b < BLOCKS_UP[j]; b++) {
                decoderBlock(c, voxels(size[level]));
            }
        }
        counter.part("head");
        counter.groupNorm(INIT_FILTERS, full);
        if (variant == Variant.RELEASED) {
            dwConv(INIT_FILTERS, classes, 1, true, full);
        } else {
            counter.conv(dims, INIT_FILTERS, classes, 1, 1, true, full);
        }
    }

    private void dwConv(long in, long out, int kernel, boolean bias, long voxels) {
        counter.conv(dims, in, in, kernel, in, bias, voxels);
        counter.conv(dims, in, out, 1, 1, bias, voxels);
    }

    private void rvm(long in, long out, long tokens) {
        counter.layerNorm(in, tokens, 2);
        counter.mamba(in, tokens);
        counter.scaledSkip(in * tokens);
        counter.linear(in, out, true, tokens);
    }

    private void resMambaBlock(long c, long voxels) {
        counter.groupNorm(c, voxels);
        rvm(c, c, voxels);
        counter.groupNorm(c, voxels);
        rvm(c, c, voxels);
    }

    private void decoderBlock(long c, long voxels) {
        if (variant == Variant.RELEASED) { // ResUpBlock: GN, ReLU, DWConv + s·X, GN, ReLU
            counter.groupNorm(c, voxels);
            dwConv(c, c, 3, false, voxels);
            counter.scaledSkip(c * voxels);
            counter.groupNorm(c, voxels);
        } else { // MONAI ResBlock: GN, ReLU, conv, GN, ReLU, conv, + X
            counter.groupNorm(c, voxels);
            counter.conv(dims, c, c, 3, 1, false, voxels);
            counter.groupNorm(c, voxels);
            counter.conv(dims, c, c, 3, 1, false, voxels);
        }
    }

    private static long voxels(long[] size) {
        long v = 1;
        for (long s : size) {
            v *= s;
        }
        return v;
    }
}
