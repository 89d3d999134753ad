package io.medseg.model.nnunet;

import java.util.List;

import io.medseg.nn.networks.Architecture;

/**
 * State_dict keys of the U-Mamba and xLSTM-UNet networks (bowang-lab/U-Mamba, tianrun-chen/xLSTM-UNet-PyTorch), on
 * the residual backbone: {@code encoder.stem.B}, {@code encoder.stages.S.B} (block 0 U-Mamba's BasicResBlock, the
 * rest dynamic-network-architectures' BasicBlockD), the sequence layers ({@code mamba_layer} / {@code xlstm} at the
 * bottleneck of the Bot variants, {@code encoder.mamba_layers.S} / {@code encoder.xlstm_layers.S} in the Enc
 * variants), {@code decoder.upsample_layers.I.conv}, {@code decoder.stages.I.B} and {@code decoder.seg_layers.I}.
 */
final class BackboneKeys {
    private BackboneKeys() {
    }

    /** The key of the parameter {@code leaf} of MedSeg's block at {@code path}, then its aliases; null if none. */
    static List<String> keys(Architecture a, List<String> path, String leaf) {
        String part = path.get(1);
        List<String> rest = path.subList(2, path.size());
        boolean encoder = path.get(0).equals("encoder");
        List<String> keys;
        if (part.startsWith("stem_")) {
            keys = stageBlock("encoder.stem", part.substring(5), rest, leaf);
        } else if (part.startsWith("stage")) {
            int underscore = part.indexOf('_');
            String s = part.substring(5, underscore);
            String what = part.substring(underscore + 1);
            if (what.equals("mixer")) {
                keys = mixer(a, s, rest, leaf);
            } else {
                keys = stageBlock((encoder ? "encoder.stages." : "decoder.stages.") + s, what, rest, leaf);
            }
        } else if (!encoder && part.startsWith("up") && rest.isEmpty()) {
            keys = List.of("decoder.upsample_layers." + part.substring(2) + ".conv." + leaf);
        } else if (!encoder && part.startsWith("seg") && rest.isEmpty()) {
            keys = List.of("decoder.seg_layers." + part.substring(3) + "." + leaf);
        } else {
            keys = null;
        }
        return keys;
    }

    /** Block "res" (index 0, a BasicResBlock) or "blockB" (a BasicBlockD) of a stem or stage. */
    private static List<String> stageBlock(String prefix, String what, List<String> rest, String leaf) {
        if (what.equals("res")) {
            return rest.size() == 1 ? List.of(prefix + ".0." + rest.get(0) + "." + OfficialKeys.torchLeaf(leaf)) : null;
        }
        return what.startsWith("block") ? blockD(prefix + "." + what.substring(5), rest, leaf) : null;
    }

    /**
     * A BasicBlockD: MedSeg's conv1/norm1/conv2/norm2 are ConvDropoutNormReLU's conv1.conv, conv1.norm, conv2.conv and
     * conv2.norm, each also stored under all_modules (0: conv, 1: norm).
     */
    private static List<String> blockD(String prefix, List<String> rest, String leaf) {
        if (rest.size() != 1) {
            return null;
        }
        String unit = rest.get(0);
        boolean conv = unit.startsWith("conv");
        if (!(conv || unit.startsWith("norm")) || unit.length() != 5) {
            return null;
        }
        String p = prefix + ".conv" + unit.charAt(4);
        String torchLeaf = OfficialKeys.torchLeaf(leaf);
        return List.of(p + (conv ? ".conv." : ".norm.") + torchLeaf,
                p + ".all_modules." + (conv ? 0 : 1) + "." + torchLeaf);
    }

    private static List<String> mixer(Architecture a, String stage, List<String> rest, String leaf) {
        String prefix = switch (a) {
        case UMAMBA_BOT -> "mamba_layer";
        case UMAMBA_ENC -> "encoder.mamba_layers." + stage;
        case XLSTM_UNET_BOT -> "xlstm";
        case XLSTM_UNET_ENC -> "encoder.xlstm_layers." + stage;
        default -> null;
        };
        if (prefix == null) {
            return null;
        }
        if (!rest.isEmpty() && (rest.get(0).startsWith("conv") || rest.get(0).startsWith("norm"))
                && rest.get(0).length() == 5) {
            return blockD(prefix, rest, leaf); // xLSTM-UNet Enc's extra residual block on the high-resolution stages
        }
        String key = a == Architecture.UMAMBA_BOT || a == Architecture.UMAMBA_ENC ? mambaLayer(rest, leaf)
                : vilLayer(rest, leaf);
        return key == null ? null : List.of(prefix + "." + key);
    }

    /** U-Mamba's MambaLayer: a LayerNorm, then Mamba. */
    private static String mambaLayer(List<String> rest, String leaf) {
        if (rest.equals(List.of("norm"))) {
            return "norm." + OfficialKeys.torchLeaf(leaf);
        }
        if (!rest.isEmpty() && rest.get(0).equals("mamba")) {
            String m = OfficialKeys.mamba(rest.subList(1, rest.size()), leaf);
            return m == null ? null : "mamba." + m;
        }
        return null;
    }

    /** xLSTM-UNet's ViLLayer: an (unused) LayerNorm, then one Vision-LSTM block. */
    private static String vilLayer(List<String> rest, String leaf) {
        if (rest.isEmpty()) {
            return switch (leaf) {
            case "norm_weight" -> "norm.weight";
            case "norm_bias" -> "norm.bias";
            default -> null;
            };
        }
        if (!rest.get(0).equals("vil")) {
            return null;
        }
        if (rest.size() == 1) {
            return switch (leaf) {
            case "norm_weight" -> "vil.norm.weight";
            case "up_weight" -> "vil.layer.proj_up.weight";
            case "down_weight" -> "vil.layer.proj_down.weight";
            case "skip" -> "vil.layer.learnable_skip";
            case "igate_weight", "igate_bias", "fgate_weight", "fgate_bias" ->
                "vil.layer.mlstm_cell." + leaf.replace('_', '.');
            case "outnorm_weight" -> "vil.layer.mlstm_cell.outnorm.weight";
            default -> null;
            };
        }
        if (rest.size() == 2) {
            return switch (rest.get(1)) {
            case "conv" -> "vil.layer.conv1d.conv." + leaf;
            case "q", "k", "v" -> "vil.layer." + rest.get(1) + "_proj." + leaf;
            default -> null;
            };
        }
        return null;
    }
}
