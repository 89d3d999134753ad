package io.medseg.nn.networks.backbone;

import ai.djl.nn.Block;
import io.medseg.nn.mlstm.ViLLayer;

/**
 * What follows an encoder stage's convolution blocks, as decided by a {@link SequenceLayerPlacement}: nothing, an
 * extra {@link BasicBlockD} (xLSTM-UNet Enc's early stages), a {@link MambaLayer} or a {@link ViLLayer}.
 *
 * @param kind which layer
 * @param dim the sequence layer's model dimension: the stage's features for patch tokens, the number of voxels of the
 *            stage's map for channel tokens; 0 for the other kinds
 * @param channelTokens whether the sequence layer treats channels as tokens
 */
public record StageMixer(Kind kind, int dim, boolean channelTokens) {
    /** The kinds of layer that can follow a stage. */
    public enum Kind {
        IDENTITY, RESIDUAL_BLOCK, MAMBA, VIL
    }

    public static final StageMixer IDENTITY = new StageMixer(Kind.IDENTITY, 0, false);
    public static final StageMixer RESIDUAL_BLOCK = new StageMixer(Kind.RESIDUAL_BLOCK, 0, false);

    public StageMixer {
        boolean sequence = kind == Kind.MAMBA || kind == Kind.VIL;
        if (sequence != dim > 0 || (!sequence && channelTokens)) {
            throw new IllegalArgumentException(kind + " mixer with dim " + dim + ", channel tokens " + channelTokens);
        }
    }

    public static StageMixer mamba(int dim, boolean channelTokens) {
        return new StageMixer(Kind.MAMBA, dim, channelTokens);
    }

    public static StageMixer vil(int dim, boolean channelTokens) {
        return new StageMixer(Kind.VIL, dim, channelTokens);
    }

    /** The layer for a stage of {@code features} channels and kernel {@code kernel}; null for {@link Kind#IDENTITY}. */
    Block create(int dims, int features, long[] kernel) {
        return switch (kind) {
            case IDENTITY -> null;
            case RESIDUAL_BLOCK -> new BasicBlockD(dims, features, kernel);
            case MAMBA -> new MambaLayer(dim, channelTokens);
            case VIL -> new ViLLayer(dim, channelTokens);
        };
    }

    /** Parameters the layer adds: 0, BasicBlockD(C, k), Mamba(dim) + 2·dim, or 6D² + 89D + 8 (ViL, b = 4). */
    public long parameterCount(int features, long[] kernel) {
        return switch (kind) {
            case IDENTITY -> 0;
            case RESIDUAL_BLOCK -> BasicBlockD.parameterCount(features, kernel);
            case MAMBA -> MambaLayer.parameterCount(dim);
            case VIL -> ViLLayer.parameterCount(dim);
        };
    }
}
