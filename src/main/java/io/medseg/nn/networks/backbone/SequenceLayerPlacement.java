package io.medseg.nn.networks.backbone;

import io.medseg.MedSegException;
import io.medseg.nn.networks.Architecture;

/**
 * Where the backbone family puts its sequence layers, following the released code of U-Mamba (bowang-lab,
 * {@code UMamba{Bot,Enc}_{2d,3d}.py}) and xLSTM-UNet (tianrun-chen, {@code UxLSTM{Bot,Enc}_{2d,3d}.py}), which differ
 * from the papers' wording in places (xLSTM-UNet Enc does not have ViL in "all encoder stages").
 *
 * <p>Bot variants apply the layer to the bottleneck output, which is the last stage's output and the lowest skip;
 * that is the same as a mixer after the last encoder stage, so every placement is expressed per stage.
 *
 * <p>Channel-token mode (Enc variants only, never Bot): when the stage's map has no more voxels than the stage has
 * features, prod(map) ≤ f_s, the channels are the tokens and the model dimension is prod(map).
 */
public enum SequenceLayerPlacement {
    /** The plain residual UNet: no mixers. */
    NONE,
    /** U-Mamba Bot: one MambaLayer(f_last) on the bottleneck, patch tokens. */
    MAMBA_BOTTLENECK,
    /** U-Mamba Enc: 3D after every stage; 2D after stage s iff (s odd) XOR (n odd), so the last stage has one. */
    MAMBA_ENCODER,
    /** xLSTM-UNet Bot: one ViL layer (dim f_last) on the bottleneck, patch tokens even on tiny maps. */
    VIL_BOTTLENECK,
    /**
     * xLSTM-UNet Enc: 3D: an extra BasicBlockD after stages 0–2, a ViL layer after every later stage. 2D: an extra
     * BasicBlockD after stage 1, a ViL layer after stage s > 1 iff (s odd) XOR (n odd), identity elsewhere.
     */
    VIL_ENCODER;

    /** The placement of a backbone architecture; LightM-UNet has its own fixed topology and none. */
    public static SequenceLayerPlacement of(Architecture architecture) {
        return switch (architecture) {
            case RESIDUAL_UNET -> NONE;
            case UMAMBA_BOT -> MAMBA_BOTTLENECK;
            case UMAMBA_ENC -> MAMBA_ENCODER;
            case XLSTM_UNET_BOT -> VIL_BOTTLENECK;
            case XLSTM_UNET_ENC -> VIL_ENCODER;
            case LIGHTM_UNET, PLAIN_UNET, RESENC_UNET -> throw new MedSegException(architecture
                    + " is not built on the residual backbone");
        };
    }

    /**
     * The layer after encoder stage {@code stage}.
     *
     * @param stage s, 0-based
     * @param stages n
     * @param dims 2 or 3 (the Enc rules differ)
     * @param features f_s
     * @param mapVoxels prod of the stage's output map size (decides channel-token mode)
     */
    public StageMixer mixerAfterStage(int stage, int stages, int dims, int features, long mapVoxels) {
        boolean last = stage == stages - 1;
        boolean channelTokens = mapVoxels <= features;
        int dim = channelTokens ? Math.toIntExact(mapVoxels) : features;
        // U-Mamba's 2D alternation, written as in the code so that the last stage always gets a layer
        boolean alternating = (stage % 2 == 1) ^ (stages % 2 == 1);
        return switch (this) {
            case NONE -> StageMixer.IDENTITY;
            case MAMBA_BOTTLENECK -> last ? StageMixer.mamba(features, false) : StageMixer.IDENTITY;
            case VIL_BOTTLENECK -> last ? StageMixer.vil(features, false) : StageMixer.IDENTITY;
            case MAMBA_ENCODER -> dims == 3 || alternating ? StageMixer.mamba(dim, channelTokens) : StageMixer.IDENTITY;
            case VIL_ENCODER -> {
                if (dims == 3) {
                    yield stage < 3 ? StageMixer.RESIDUAL_BLOCK : StageMixer.vil(dim, channelTokens);
                }
                if (stage > 1 && alternating) {
                    yield StageMixer.vil(dim, channelTokens);
                }
                yield stage == 1 ? StageMixer.RESIDUAL_BLOCK : StageMixer.IDENTITY;
            }
        };
    }
}
