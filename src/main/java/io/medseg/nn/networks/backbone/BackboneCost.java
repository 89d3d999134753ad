package io.medseg.nn.networks.backbone;

import io.medseg.nn.networks.CostCounter;
import io.medseg.nn.networks.ModelSummary;
import io.medseg.nn.networks.NetworkConfig;
import io.medseg.nn.networks.ThopConvention;

/**
 * Analytic parameters and MACs of the residual backbone family for one patch, layer by layer as {@link ResidualUNet}
 * builds it (the same walk as {@link BackboneParameters}, with voxel counts): convolutions, instance norms, the stage
 * mixers (Mamba layer, ViL layer, extra residual block), the decoder's 1×1 up-convolutions and blocks, and the
 * segmentation heads that run (all of them with deep supervision, only the top one without; the others' parameters
 * are counted either way, as they exist).
 */
public final class BackboneCost {
    private BackboneCost() {
    }

    /** Costs for one input of the config's channels and the given patch, batch 1. */
    public static ModelSummary count(NetworkConfig config, long[] patch) {
        BackboneLayout layout = BackboneLayout.of(config.plan(), SequenceLayerPlacement.of(config.architecture()), patch);
        CostCounter c = new CostCounter(ThopConvention.CLASSIC);
        int n = layout.stages();
        int[] f = layout.plan().features();
        long[][] k = layout.plan().kernels();
        c.part("stem");
        long v0 = voxels(layout.mapSize(0));
        resBlock(c, config.inChannels(), f[0], k[0], v0);
        for (int i = 1; i < layout.encoderBlocks(0); i++) {
            blockD(c, f[0], k[0], v0);
        }
        long in = f[0];
        for (int s = 0; s < n; s++) {
            c.part("encoder " + s);
            long v = voxels(layout.mapSize(s));
            resBlock(c, in, f[s], k[s], v);
            for (int i = 1; i < layout.encoderBlocks(s); i++) {
                blockD(c, f[s], k[s], v);
            }
            mixer(c, layout.mixer(s), f[s], k[s], v);
            in = f[s];
        }
        for (int i = 0; i < n - 1; i++) {
            int skipStage = n - 2 - i;
            c.part("decoder " + i);
            long below = f[skipStage + 1];
            long skip = f[skipStage];
            long v = voxels(layout.mapSize(skipStage));
            c.conv(below, skip, ones(k[skipStage].length), true, v);
            resBlock(c, layout.concatenatesSkip(i) ? 2 * skip : skip, skip, k[skipStage], v);
            for (int b = 1; b < layout.decoderBlocks(i); b++) {
                blockD(c, skip, k[skipStage], v);
            }
            boolean runs = config.deepSupervision() || i == n - 2;
            c.conv(skip, config.classes(), ones(k[skipStage].length), true, runs ? v : 0);
        }
        long[] shape = new long[patch.length + 2];
        shape[0] = 1;
        shape[1] = config.inChannels();
        System.arraycopy(patch, 0, shape, 2, patch.length);
        return c.summary(config.architecture().id() + " " + config.dims() + "D " + config.inChannels() + "→"
                + config.classes(), shape);
    }

    private static void resBlock(CostCounter c, long in, long out, long[] k, long voxels) {
        c.conv(in, out, k, true, voxels);
        c.instanceNorm(out, voxels);
        c.conv(out, out, k, true, voxels);
        c.instanceNorm(out, voxels);
        c.conv(in, out, ones(k.length), true, voxels);
    }

    private static void blockD(CostCounter c, long ch, long[] k, long voxels) {
        for (int i = 0; i < 2; i++) {
            c.conv(ch, ch, k, true, voxels);
            c.instanceNorm(ch, voxels);
        }
    }

    private static void mixer(CostCounter c, StageMixer m, long features, long[] k, long voxels) {
        long tokens = m.channelTokens() ? features : voxels;
        switch (m.kind()) {
            case IDENTITY -> c.free();
            case RESIDUAL_BLOCK -> blockD(c, features, k, voxels);
            case MAMBA -> {
                c.layerNorm(m.dim(), tokens, 1);
                c.mamba(m.dim(), tokens);
            }
            case VIL -> {
                c.unusedLayerNorm(m.dim());
                c.vil(m.dim(), tokens);
            }
        }
    }

    private static long voxels(long[] size) {
        long v = 1;
        for (long s : size) {
            v *= s;
        }
        return v;
    }

    private static long[] ones(int dims) {
        long[] o = new long[dims];
        java.util.Arrays.fill(o, 1);
        return o;
    }
}
