package io.medseg.nn.networks;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import io.medseg.MedSegException;

/** The networks users can choose, by the names the command line and the nodes show. */
public enum Architecture {
    /** LightM-UNet (Liao et al. 2024): Mamba RVM layers in a lightweight UNet, fixed topology. */
    LIGHTM_UNET("lightm-unet"),
    /** xLSTM-UNet with one ViL layer at the bottleneck (Chen et al. 2024). */
    XLSTM_UNET_BOT("xlstm-unet-bot"),
    /** xLSTM-UNet with ViL layers in the encoder stages, placed as the released code does. */
    XLSTM_UNET_ENC("xlstm-unet-enc"),
    /** U-Mamba with one Mamba layer at the bottleneck (Ma et al. 2024). */
    UMAMBA_BOT("umamba-bot"),
    /** U-Mamba with Mamba layers in the encoder stages. */
    UMAMBA_ENC("umamba-enc"),
    /** The nnU-Net-style residual UNet with no sequence layer: the baseline. */
    RESIDUAL_UNET("residual-unet"),
    /** nnU-Net's default PlainConvUNet; imported from nnU-Net for prediction, not trained by MedSeg. */
    PLAIN_UNET("plain-unet"),
    /** nnU-Net's ResidualEncoderUNet (ResEnc presets); imported from nnU-Net for prediction, not trained by MedSeg. */
    RESENC_UNET("resenc-unet");

    private final String id;

    Architecture(String id) {
        this.id = id;
    }

    /** The name users type, e.g. {@code lightm-unet}. */
    public String id() {
        return id;
    }

    /** True for the networks whose topology is a planned nnU-Net backbone (all but LightM-UNet). */
    public boolean usesBackbonePlan() {
        return this != LIGHTM_UNET;
    }

    /** True for nnU-Net's own networks, which MedSeg imports and predicts with but does not plan or train. */
    public boolean importOnly() {
        return this == PLAIN_UNET || this == RESENC_UNET;
    }

    /** The networks MedSeg plans and trains, for choice lists. */
    public static Architecture[] trainable() {
        return Arrays.stream(values()).filter(a -> !a.importOnly()).toArray(Architecture[]::new);
    }

    /** The one-line refusal of an import-only network where MedSeg would plan or train it. */
    public MedSegException notTrainable() {
        return new MedSegException(id + " is nnU-Net's own network: MedSeg imports trained ones (medseg import) and"
                + " predicts with them, but does not plan or train it; choose one of "
                + Arrays.stream(trainable()).map(Architecture::id).collect(Collectors.joining(", ")));
    }

    public static Architecture of(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        if (n.equals("resunet")) { // the name nnU-Net users know the residual encoder UNet by
            n = RESIDUAL_UNET.id;
        }
        for (Architecture a : values()) {
            if (a.id.equals(n)) {
                return a;
            }
        }
        throw new MedSegException("unknown model '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Architecture::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
