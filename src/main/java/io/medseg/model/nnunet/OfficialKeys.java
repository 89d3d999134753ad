package io.medseg.model.nnunet;

import java.util.ArrayList;
import java.util.List;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.medseg.MedSegException;
import io.medseg.nn.networks.Architecture;

/**
 * The state_dict key under which the released PyTorch code stores each parameter of a MedSeg network: LightM-UNet
 * (MrBlankness/LightM-UNet, MONAI blocks), U-Mamba Bot/Enc (bowang-lab/U-Mamba) and xLSTM-UNet Bot/Enc
 * (tianrun-chen/xLSTM-UNet-PyTorch), whose backbone uses dynamic-network-architectures' blocks. MedSeg's blocks follow
 * the released modules one to one, so the key follows from a parameter's path of block names (without DJL's
 * two-digit order prefixes). Keys the released code stores twice (a module registered under two parents) are
 * {@link #aliases}.
 */
public final class OfficialKeys {
    private OfficialKeys() {
    }

    /**
     * One parameter of a MedSeg network: its name in MedSeg model files, its official key, and the other keys under
     * which the released code stores the same tensor (nnU-Net-style decoders hold the encoder, so every encoder
     * tensor appears again as {@code decoder.encoder.*}; dynamic-network-architectures' ConvDropoutNormReLU registers
     * its conv and norm again in {@code all_modules}).
     */
    public record Entry(String medsegName, String officialKey, List<String> aliases, Parameter parameter) {
        public Entry {
            aliases = List.copyOf(aliases);
        }
    }

    /** Every parameter of {@code network} (an initialised block of {@code architecture}) with its official key. */
    public static List<Entry> of(Architecture architecture, Block network) {
        List<Entry> out = new ArrayList<>();
        walk(network, "", new ArrayList<>(), (name, path, leaf, p) -> {
            List<String> keys = keys(architecture, path, leaf, name);
            out.add(new Entry(name, keys.get(0), keys.subList(1, keys.size()), p));
        });
        return out;
    }

    private interface Visitor {
        void visit(String medsegName, List<String> path, String leaf, Parameter p);
    }

    private static void walk(Block block, String prefix, List<String> path, Visitor v) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            v.visit(prefix + p.getKey(), path, p.getKey(), p.getValue());
        }
        for (Pair<String, Block> c : block.getChildren()) {
            List<String> sub = new ArrayList<>(path);
            sub.add(c.getKey().substring(2)); // DJL names children "NNname"
            walk(c.getValue(), prefix + c.getKey() + "_", sub, v);
        }
    }

    /** The official key first, then its aliases. */
    private static List<String> keys(Architecture a, List<String> path, String leaf, String medsegName) {
        List<String> keys = switch (a) {
        case LIGHTM_UNET -> LightMKeys.keys(path, leaf);
        case PLAIN_UNET, RESENC_UNET -> nnUNetKeys(path, leaf);
        default -> BackboneKeys.keys(a, path, leaf);
        };
        if (keys != null && keys.get(0).startsWith("encoder.")) { // nnU-Net-style decoders hold the encoder
            List<String> withDecoder = new ArrayList<>(keys);
            keys.forEach(k -> withDecoder.add("decoder." + k));
            keys = withDecoder;
        }
        if (keys == null) {
            throw new MedSegException("no official key for MedSeg's " + a + " parameter " + medsegName);
        }
        return keys;
    }

    /**
     * nnU-Net's own networks name their blocks by the PyTorch module paths ({@link
     * io.medseg.nn.networks.nnunet.NnUNetUNet}), so a key is the path; a conv-norm unit's conv and norm are also
     * stored under all_modules.
     */
    private static List<String> nnUNetKeys(List<String> path, String leaf) {
        String key = String.join(".", path) + "." + torchLeaf(leaf);
        List<String> keys = new ArrayList<>(List.of(key));
        String unit = path.get(path.size() - 1);
        if (path.size() > 1 && (unit.equals("conv") || unit.equals("norm"))) {
            keys.add(String.join(".", path.subList(0, path.size() - 1)) + ".all_modules."
                    + (unit.equals("conv") ? 0 : 1) + "." + torchLeaf(leaf));
        }
        return keys;
    }

    /** gamma/beta (DJL's norm names) → weight/bias (PyTorch's); every other leaf name is kept. */
    static String torchLeaf(String leaf) {
        return switch (leaf) {
        case "gamma" -> "weight";
        case "beta" -> "bias";
        default -> leaf;
        };
    }

    /** A Mamba block's parameter: mamba_ssm's names (in_proj.weight, conv1d.weight, A_log, ...). */
    static String mamba(List<String> rest, String leaf) {
        if (rest.isEmpty()) {
            return switch (leaf) {
            case "in_proj", "x_proj", "out_proj" -> leaf + ".weight";
            case "dt_proj_weight" -> "dt_proj.weight";
            case "dt_proj_bias" -> "dt_proj.bias";
            case "A_log", "D" -> leaf;
            default -> null;
            };
        }
        return rest.equals(List.of("conv1d")) ? "conv1d." + leaf : null;
    }

}
