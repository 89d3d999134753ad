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

    /**
     * The architecture a trainer builds: the sequence-model trainers' own network, else, for nnU-Net's trainers
     * (nnUNetTrainer and its variants, which build what the plans name), PlainConvUNet or ResidualEncoderUNet; null
     * for anything else.
     */
    static Architecture architecture(String trainer, String networkClass) {
        Architecture own = TRAINERS.get(trainer);
        if (own != null || !trainer.startsWith("nnUNetTrainer") || networkClass == null) {
            return own;
        }
        String simple = networkClass.substring(networkClass.lastIndexOf('.') + 1);
        return switch (simple) {
        case "PlainConvUNet" -> Architecture.PLAIN_UNET;
        case "ResidualEncoderUNet" -> Architecture.RESENC_UNET;
        default -> null;
        };
    }

    /** The trainers MedSeg imports, for error messages. */
    static String supported() {
        return String.join(", ", new java.util.TreeSet<>(TRAINERS.keySet()))
                + ", and nnU-Net's trainers with PlainConvUNet or ResidualEncoderUNet plans";
    }
}
