package io.medseg.model.nnunet;

import java.util.LinkedHashMap;
import java.util.Map;

import io.medseg.nn.networks.Architecture;

/**
 * The released trainers whose checkpoints MedSeg imports, by the class name nnU-Net stores as trainer_name. Users
 * subclass trainers to change epochs or learning rates (nnUNetTrainerUMambaBot_100epochs, ...), so a name is matched
 * by the released trainer's name it contains.
 */
final class NnUNetTrainers {
    private static final Map<String, Architecture> TRAINERS = new LinkedHashMap<>();
    static {
        TRAINERS.put("nnUNetTrainerLightMUNet", Architecture.LIGHTM_UNET);
        TRAINERS.put("nnUNetTrainerUMambaBot", Architecture.UMAMBA_BOT);
        TRAINERS.put("nnUNetTrainerUMambaEnc", Architecture.UMAMBA_ENC); // also ...EncNoAMP
        TRAINERS.put("nnUNetTrainerUxLSTMBot", Architecture.XLSTM_UNET_BOT);
        TRAINERS.put("nnUNetTrainerUxLSTMEnc", Architecture.XLSTM_UNET_ENC); // also ...EncNoAMP
    }

    private NnUNetTrainers() {
    }

    /**
     * The architecture a trainer builds: the sequence-model trainers' own network, else, for nnU-Net's trainers
     * (nnUNetTrainer and its variants, which build what the plans name), PlainConvUNet or ResidualEncoderUNet; null
     * for anything else.
     */
    static Architecture architecture(String trainer, String networkClass) {
        for (Map.Entry<String, Architecture> e : TRAINERS.entrySet()) {
            if (trainer.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        if (!trainer.startsWith("nnUNetTrainer") || networkClass == null) {
            return null;
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
        return String.join(", ", TRAINERS.keySet()) + " (and their subclasses), and nnU-Net's trainers with"
                + " PlainConvUNet or ResidualEncoderUNet plans";
    }
}
