package io.medseg.nn.networks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.nn.Block;
import ai.djl.ndarray.types.Shape;
import io.medseg.MedSegException;
import io.medseg.nn.networks.backbone.BackboneCost;
import io.medseg.nn.networks.backbone.BackboneNetworks;
import io.medseg.nn.networks.lightm.LightMCost;
import io.medseg.nn.networks.lightm.LightMUNet;
import io.medseg.nn.networks.nnunet.NnUNetUNet;

/** Builds and measures any of the networks from its config: the one entry point for commands, training and nodes. */
public final class Networks {
    private Networks() {
    }

    /**
     * A config with the architecture's defaults: for the backbone family the nnU-Net-like plan for the patch
     * ({@link BackbonePlan#forPatch}) and deep supervision on, as their trainers use it; LightM-UNet's fixed topology.
     */
    public static NetworkConfig defaultConfig(Architecture architecture, int dims, int inChannels, int classes,
            long[] patch) {
        double[] unit = new double[patch == null ? 0 : patch.length];
        Arrays.fill(unit, 1.0);
        return defaultConfig(architecture, dims, inChannels, classes, patch, unit);
    }

    /** {@link #defaultConfig} for data of the given voxel spacing (anisotropic data gets nnU-Net's topology). */
    public static NetworkConfig defaultConfig(Architecture architecture, int dims, int inChannels, int classes,
            long[] patch, double[] spacing) {
        checkPatch(dims, patch);
        BackbonePlan plan = architecture.usesBackbonePlan() ? BackbonePlan.forPatch(patch, spacing) : null;
        return new NetworkConfig(architecture, dims, inChannels, classes, plan, architecture.usesBackbonePlan());
    }

    /**
     * The network, not yet initialised. Input (B, in, *S) with S the patch (the backbone family with channel tokens is
     * tied to it); output an NDList of logits (B, classes, *S), plus lower-resolution ones with deep supervision.
     */
    public static Block build(NetworkConfig config, long[] patch) {
        checkPatch(config.dims(), patch);
        long[] networkPatch = config.toNetworkOrder(patch);
        Block network;
        if (config.foldCount() > 1) {
            List<Block> folds = new ArrayList<>();
            for (int f = 0; f < config.foldCount(); f++) {
                folds.add(buildOne(config, networkPatch));
            }
            network = new FoldEnsemble(folds);
        } else {
            network = buildOne(config, networkPatch);
        }
        return config.axisOrder() == null ? network : new AxisOrderedNetwork(network, config.axisOrder());
    }

    private static Block buildOne(NetworkConfig config, long[] networkPatch) {
        return switch (config.architecture()) {
        case LIGHTM_UNET -> LightMUNet.of(config);
        case PLAIN_UNET, RESENC_UNET -> new NnUNetUNet(config.architecture() == Architecture.RESENC_UNET,
                config.plan(), config.inChannels(), config.classes(), config.deepSupervision());
        default -> BackboneNetworks.build(config, networkPatch);
        };
    }

    /**
     * The network wrapped to accept inputs of any size (see {@link PaddedNetwork}): for predicting whole images or
     * odd-sized crops. Networks with channel-token layers stay tied to their patch size.
     */
    public static PaddedNetwork buildPadded(NetworkConfig config, long[] patch) {
        return new PaddedNetwork(build(config, patch), sizeDivisor(config, patch.length));
    }

    /** What every input axis must be divisible by: LightM-UNet's 8, or the backbone plan's total stride. */
    public static long[] sizeDivisor(NetworkConfig config, int dims) {
        long[] d = new long[dims];
        if (config.plan() == null) {
            Arrays.fill(d, LightMUNet.DEFAULT_SIZE_DIVISOR);
            return d;
        }
        Arrays.fill(d, 1);
        for (long[] stride : config.plan().strides()) {
            for (int a = 0; a < dims; a++) {
                d[a] *= stride[a];
            }
        }
        return config.toImageOrder(d);
    }

    /** The input shape (1, in, *patch) to initialise a network with. */
    public static Shape inputShape(NetworkConfig config, long[] patch) {
        return new Shape(1, config.inChannels()).addAll(new Shape(patch));
    }

    /** True parameters and MACs, and thop's view, of one forward pass on one patch. */
    public static ModelSummary summary(NetworkConfig config, long[] patch) {
        checkPatch(config.dims(), patch);
        patch = config.toNetworkOrder(patch);
        if (config.architecture().importOnly()) {
            throw config.architecture().notTrainable();
        }
        if (config.architecture() == Architecture.LIGHTM_UNET) {
            return LightMCost.count(LightMCost.Variant.RELEASED, config.inChannels(), config.classes(),
                    ThopConvention.CLASSIC, patch);
        }
        return BackboneCost.count(config, patch);
    }

    private static void checkPatch(int dims, long[] patch) {
        if (patch == null || patch.length != dims || Arrays.stream(patch).anyMatch(p -> p < 1)) {
            throw new MedSegException("patch size " + Arrays.toString(patch) + " must have " + dims
                    + " positive entries for a " + dims + "D model");
        }
    }
}
