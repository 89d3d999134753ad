package io.medseg.nn.networks.backbone;

import java.util.Arrays;

import io.medseg.MedSegException;
import io.medseg.nn.networks.BackbonePlan;

/**
 * A {@link BackbonePlan} resolved for one placement and one patch size into exactly what the released code builds:
 * the block counts after its overrides, each stage's feature-map size, the mixer after each stage, and whether the
 * top decoder stage concatenates its skip. The network and the parameter formula both read it.
 *
 * <p>Overrides of the released code (U-Mamba and xLSTM-UNet alike), with n stages:
 * <ul>
 * <li>encoder stage s has 1 block for s ≥ ceil(n/2), the plan's count otherwise;</li>
 * <li>decoder stage i (0 = lowest resolution) has 1 block for i ≥ ceil((n−1)/2 + 0.5) = ceil(n/2), the plan's count
 * otherwise;</li>
 * <li>in 2D the topmost decoder stage does not concatenate skip 0 (its first block takes f_0 channels, not 2·f_0);
 * in 3D every decoder stage concatenates.</li>
 * </ul>
 *
 * <p>Padding rule: the patch size must be divisible by the total stride (product of all stage strides) on every
 * axis, so that every map size is exact and up-sampling restores the skip sizes. The networks do not pad; the
 * sliding-window predictor pads images to whole patches. A patch that is not divisible is rejected with a
 * {@link MedSegException}.
 */
public final class BackboneLayout {
    private final BackbonePlan plan;
    private final SequenceLayerPlacement placement;
    private final long[] patchSize;
    private final long[] totalStride;
    private final int[] encoderBlocks;
    private final int[] decoderBlocks;
    private final long[][] mapSizes;
    private final StageMixer[] mixers;

    private BackboneLayout(BackbonePlan plan, SequenceLayerPlacement placement, long[] patchSize) {
        this.plan = plan;
        this.placement = placement;
        this.patchSize = patchSize.clone();
        int n = plan.stages();
        int dims = plan.dims();
        totalStride = totalStride(plan);
        checkDivisible(patchSize, totalStride, "patch size");
        int half = (n + 1) / 2; // ceil(n / 2)
        encoderBlocks = plan.blocksPerStage().clone();
        decoderBlocks = plan.blocksPerDecoderStage().clone();
        for (int s = 0; s < n; s++) {
            if (s >= half) {
                encoderBlocks[s] = 1;
            }
            if (s < n - 1 && s >= half) {
                decoderBlocks[s] = 1;
            }
            if (encoderBlocks[s] < 1 || (s < n - 1 && decoderBlocks[s] < 1)) {
                throw new MedSegException("backbone plan: every stage needs at least one block");
            }
        }
        mapSizes = new long[n][];
        mixers = new StageMixer[n];
        long[] size = patchSize.clone();
        for (int s = 0; s < n; s++) {
            for (int a = 0; a < dims; a++) {
                size[a] /= plan.strides()[s][a];
            }
            mapSizes[s] = size.clone();
            mixers[s] = placement.mixerAfterStage(s, n, dims, plan.features()[s], ConvUnits.volume(size));
        }
    }

    /**
     * @param plan the topology
     * @param placement where the sequence layers go
     * @param patchSize the spatial input size the network is built for, one entry per axis
     * @throws MedSegException if the patch has the wrong number of axes or is not divisible by the total stride
     */
    public static BackboneLayout of(BackbonePlan plan, SequenceLayerPlacement placement, long... patchSize) {
        if (patchSize == null || patchSize.length != plan.dims()) {
            throw new MedSegException("patch size " + Arrays.toString(patchSize) + " needs " + plan.dims()
                    + " axes for a " + plan.dims() + "D backbone plan");
        }
        return new BackboneLayout(plan, placement, patchSize);
    }

    /** The product of all stage strides, per axis: what every input axis must be divisible by. */
    public static long[] totalStride(BackbonePlan plan) {
        long[] total = ConvUnits.filled(plan.dims(), 1);
        for (long[] stride : plan.strides()) {
            for (int a = 0; a < total.length; a++) {
                total[a] *= stride[a];
            }
        }
        return total;
    }

    static void checkDivisible(long[] size, long[] totalStride, String what) {
        for (int a = 0; a < size.length; a++) {
            if (size[a] <= 0 || size[a] % totalStride[a] != 0) {
                throw new MedSegException(what + " " + Arrays.toString(size) + " is not divisible by the network's total"
                        + " stride " + Arrays.toString(totalStride) + " (axis " + a + "); the backbone does not pad, so"
                        + " pad the input to a multiple of the stride (the sliding-window predictor pads to whole"
                        + " patches)");
            }
        }
    }

    public BackbonePlan plan() {
        return plan;
    }

    public SequenceLayerPlacement placement() {
        return placement;
    }

    public int stages() {
        return plan.stages();
    }

    public int dims() {
        return plan.dims();
    }

    public long[] patchSize() {
        return patchSize.clone();
    }

    public long[] totalStride() {
        return totalStride.clone();
    }

    /** Blocks of encoder stage s (one BasicResBlock, then BasicBlockDs) after the override; the stem uses stage 0's. */
    public int encoderBlocks(int stage) {
        return encoderBlocks[stage];
    }

    /** Blocks of decoder stage i, 0 = lowest resolution, after the override. */
    public int decoderBlocks(int decoderStage) {
        return decoderBlocks[decoderStage];
    }

    /** The output map size of encoder stage s for the patch size. */
    public long[] mapSize(int stage) {
        return mapSizes[stage].clone();
    }

    public StageMixer mixer(int stage) {
        return mixers[stage];
    }

    /** Whether decoder stage i concatenates its skip: always, except the topmost stage of a 2D network. */
    public boolean concatenatesSkip(int decoderStage) {
        return dims() == 3 || decoderStage < stages() - 2;
    }

    /**
     * Whether some layer treats channels as tokens. Its model dimension is a voxel count, so such a network only
     * accepts inputs of exactly the patch size.
     */
    public boolean usesChannelTokens() {
        return Arrays.stream(mixers).anyMatch(StageMixer::channelTokens);
    }
}
