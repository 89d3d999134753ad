package io.medseg.nn.networks.backbone;

import io.medseg.MedSegException;
import io.medseg.nn.networks.NetworkConfig;

/** Builds the backbone-family networks (residual UNet, U-Mamba Bot/Enc, xLSTM-UNet Bot/Enc) from a config. */
public final class BackboneNetworks {
    private BackboneNetworks() {
    }

    /**
     * The network for {@code config}, built for {@code patchSize}. Not initialised: call
     * {@code initialize(manager, FLOAT32, new Shape(B, in, *patchSize))}.
     *
     * @param config architecture, dims, channels, classes, plan and deep supervision
     * @param patchSize the spatial training patch size, divisible by the plan's total stride
     * @return a block mapping (B, in, *S) to an NDList of logits, full resolution first, one per decoder stage with
     *         deep supervision, else just the full-resolution one
     * @throws MedSegException for LightM-UNet, or a patch that does not fit the plan
     */
    public static ResidualUNet build(NetworkConfig config, long[] patchSize) {
        if (!config.architecture().usesBackbonePlan()) {
            throw new MedSegException(config.architecture() + " is not a residual-backbone network");
        }
        return ResidualUNet.builder().setPlan(config.plan())
                .optPlacement(SequenceLayerPlacement.of(config.architecture()))
                .setChannels(config.inChannels(), config.classes()).optDeepSupervision(config.deepSupervision())
                .setPatchSize(patchSize).build();
    }
}
