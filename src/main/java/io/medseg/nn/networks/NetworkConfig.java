package io.medseg.nn.networks;

import io.medseg.MedSegException;

/**
 * Everything needed to build a network, as plain data (it is stored in model files).
 *
 * @param architecture which network
 * @param dims 2 or 3
 * @param inChannels input channels (modalities)
 * @param classes output classes including background
 * @param plan the backbone topology for the nnU-Net family; null for LightM-UNet, whose topology is fixed
 * @param deepSupervision whether the backbone family returns a segmentation head output per decoder stage
 */
public record NetworkConfig(Architecture architecture, int dims, int inChannels, int classes, BackbonePlan plan,
        boolean deepSupervision) {

    public NetworkConfig {
        if (dims != 2 && dims != 3) {
            throw new MedSegException("model dimensionality must be 2 or 3, got " + dims);
        }
        if (inChannels < 1 || classes < 2) {
            throw new MedSegException("a model needs at least 1 input channel and 2 classes, got " + inChannels + " and "
                    + classes);
        }
        if (architecture.usesBackbonePlan() && plan == null) {
            throw new MedSegException(architecture + " needs a backbone plan (stages, kernels, strides)");
        }
        if (plan != null && plan.dims() != dims) {
            throw new MedSegException("backbone plan is " + plan.dims() + "D but the model is " + dims + "D");
        }
        if (architecture == Architecture.LIGHTM_UNET && deepSupervision) {
            throw new MedSegException("lightm-unet has no deep supervision (its trainer disables it)");
        }
    }
}
