package io.medseg.model.nnunet;

import java.util.Map;

import io.medseg.nn.networks.Architecture;

/** The released trainers whose checkpoints MedSeg imports, by the class name nnU-Net stores as trainer_name. */
final class NnUNetTrainers {
    private static final Map<String, Architecture> TRAINERS = Map.of(
            "nnUNetTrainerLightMUNet", Architecture.LIGHTM_UNET,
            "nnUNetTrainerUMambaBot", Architecture.UMAMBA_BOT,
            "nnUNetTrainerUMambaEnc", Architecture.UMAMBA_ENC,
            "nnUNetTrainerUMambaEncNoAMP", Architecture.UMAMBA_ENC,
            "nnUNetTrainerUxLSTMBot", Architecture.XLSTM_UNET_BOT,
            "nnUNetTrainerUxLSTMEnc", Architecture.XLSTM_UNET_ENC,
            "nnUNetTrainerUxLSTMEncNoAMP", Architecture.XLSTM_UNET_ENC);

    private NnUNetTrainers() {
    }

    /** The architecture a trainer builds, or null for one MedSeg does not know. */
    static Architecture architecture(String trainer) {
        return TRAINERS.get(trainer);
    }

    /** The trainers MedSeg imports, for error messages. */
    static String supported() {
        return String.join(", ", new java.util.TreeSet<>(TRAINERS.keySet()));
    }
}
