package io.medseg.nn.networks.backbone;

import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.BackbonePlan;

/**
 * The closed-form parameter count of a backbone network (architecture spec §4.7), from the layer formulas rather than
 * from built blocks:
 *
 * <pre>
 * total = stem + Σ_s [BasicResBlock(f_{s−1} → f_s, k_s) + (n_s − 1)·BasicBlockD(f_s, k_s) + mixer_s]
 *       + Σ_i [f_below·f_skip + f_skip + BasicResBlock(2f_skip or f_skip → f_skip) + (m_i − 1)·BasicBlockD(f_skip)
 *              + f_skip·classes + classes]
 * </pre>
 *
 * with conv(ci, co, k) = ci·co·∏k + co, BasicResBlock = conv(ci, co, k) + conv(co, co, k) + 4co + ci·co + co,
 * BasicBlockD = 2·conv(C, C, k) + 4C, MambaLayer = 6C² + 4C·ceil(C/16) + 110C + 2C, ViL layer = 6D² + 89D + 8 (the
 * block-size-2 fallback for D % 4 ≠ 0 as {@link io.medseg.nn.mlstm.ViLLayer#parameterCount}). Block counts, map sizes
 * and mixers are those of the {@link BackboneLayout}. Every decoder stage counts a head, as the networks build one.
 */
public final class BackboneParameters {
    private BackboneParameters() {
    }

    /** The expected parameter count of {@code architecture} on {@code plan} built for {@code patchSize}. */
    public static long expected(Architecture architecture, BackbonePlan plan, int inChannels, int classes,
            long... patchSize) {
        return expected(BackboneLayout.of(plan, SequenceLayerPlacement.of(architecture), patchSize), inChannels, classes);
    }

    /** The expected parameter count of the network a layout describes. */
    public static long expected(BackboneLayout layout, int inChannels, int classes) {
        BackbonePlan plan = layout.plan();
        int n = plan.stages();
        int[] f = plan.features();
        long[][] k = plan.kernels();
        long total = BasicResBlock.parameterCount(inChannels, f[0], k[0])
                + (layout.encoderBlocks(0) - 1) * BasicBlockD.parameterCount(f[0], k[0]);
        long in = f[0];
        for (int s = 0; s < n; s++) {
            total += BasicResBlock.parameterCount(in, f[s], k[s])
                    + (layout.encoderBlocks(s) - 1) * BasicBlockD.parameterCount(f[s], k[s])
                    + layout.mixer(s).parameterCount(f[s], k[s]);
            in = f[s];
        }
        for (int i = 0; i < n - 1; i++) {
            long below = f[n - 1 - i];
            long skip = f[n - 2 - i];
            long[] kernel = k[n - 2 - i];
            total += below * skip + skip;
            total += BasicResBlock.parameterCount(layout.concatenatesSkip(i) ? 2 * skip : skip, skip, kernel)
                    + (layout.decoderBlocks(i) - 1) * BasicBlockD.parameterCount(skip, kernel);
            total += skip * classes + classes;
        }
        return total;
    }
}
