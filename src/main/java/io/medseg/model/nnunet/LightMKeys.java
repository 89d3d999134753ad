package io.medseg.model.nnunet;

import java.util.List;

/**
 * LightM-UNet's state_dict keys (MrBlankness/LightM-UNet, built from MONAI blocks): {@code convInit.{0,1}.conv},
 * {@code down_layers.S.0.0} (a stage's down-sampling RVM layer, before its max-pool), {@code down_layers.S.(K+1)} (its
 * residual Mamba blocks; stage 0's index 0 is an identity), {@code up_samples.J.0.conv}, {@code up_layers.J.K} and
 * {@code conv_final.{0,2.0,2.1}}. No LightM-UNet module is registered twice, so there are no aliases.
 */
final class LightMKeys {
    private LightMKeys() {
    }

    /** The key of the parameter {@code leaf} of MedSeg's block at {@code path}, as a one-element list; null if none. */
    static List<String> keys(List<String> path, String leaf) {
        String key = key(path, leaf);
        return key == null ? null : List.of(key);
    }

    private static String key(List<String> path, String leaf) {
        String top = path.get(0);
        List<String> rest = path.subList(1, path.size());
        if (top.equals("convInit")) {
            return dwConv("convInit", rest, leaf);
        }
        if (top.startsWith("stage")) {
            String stage = "down_layers." + top.substring(5);
            String part = rest.get(0);
            if (part.equals("down")) {
                return rvm(stage + ".0.0", rest.subList(1, rest.size()), leaf);
            }
            String block = stage + "." + (index(part, "block") + 1);
            List<String> inner = rest.subList(1, rest.size());
            if (inner.isEmpty()) {
                return null;
            }
            String first = inner.get(0);
            if (first.equals("norm1") || first.equals("norm2")) {
                return block + "." + first + "." + OfficialKeys.torchLeaf(leaf);
            }
            if (first.equals("rvm1") || first.equals("rvm2")) {
                return rvm(block + ".conv" + first.substring(3), inner.subList(1, inner.size()), leaf);
            }
            return null;
        }
        if (top.startsWith("up")) {
            int j = Integer.parseInt(top.substring(2));
            String part = rest.get(0);
            if (part.equals("up_conv")) { // the 1×1 conv before the interpolation
                return rest.size() == 1 ? "up_samples." + j + ".0.conv." + leaf : null;
            }
            String block = "up_layers." + j + "." + index(part, "block");
            List<String> inner = rest.subList(1, rest.size());
            if (inner.isEmpty()) {
                return leaf.equals("skip_scale") ? block + ".skip_scale" : null;
            }
            if (inner.get(0).equals("norm1") || inner.get(0).equals("norm2")) {
                return block + "." + inner.get(0) + "." + OfficialKeys.torchLeaf(leaf);
            }
            return inner.get(0).equals("conv") ? dwConv(block + ".conv", inner.subList(1, inner.size()), leaf) : null;
        }
        if (top.equals("head")) {
            if (rest.equals(List.of("norm"))) {
                return "conv_final.0." + OfficialKeys.torchLeaf(leaf);
            }
            return rest.get(0).equals("conv") ? dwConv("conv_final.2", rest.subList(1, rest.size()), leaf) : null;
        }
        return null;
    }

    /** An RVM layer (LightM's MambaLayer): skip_scale, its one LayerNorm, the Mamba block and the projection. */
    private static String rvm(String prefix, List<String> rest, String leaf) {
        if (rest.isEmpty()) {
            return leaf.equals("skip_scale") ? prefix + ".skip_scale" : null;
        }
        return switch (rest.get(0)) {
        case "norm" -> prefix + ".norm." + OfficialKeys.torchLeaf(leaf);
        case "proj" -> prefix + ".proj." + leaf;
        case "mamba" -> {
            String m = OfficialKeys.mamba(rest.subList(1, rest.size()), leaf);
            yield m == null ? null : prefix + ".mamba." + m;
        }
        default -> null;
        };
    }

    /** MONAI's depthwise-separable conv: Sequential(depthwise Convolution, pointwise Convolution), each with .conv. */
    private static String dwConv(String prefix, List<String> rest, String leaf) {
        if (rest.size() != 1) {
            return null;
        }
        return switch (rest.get(0)) {
        case "depthwise" -> prefix + ".0.conv." + leaf;
        case "pointwise" -> prefix + ".1.conv." + leaf;
        default -> null;
        };
    }

    private static int index(String name, String prefix) {
        return Integer.parseInt(name.substring(prefix.length()));
    }
}
