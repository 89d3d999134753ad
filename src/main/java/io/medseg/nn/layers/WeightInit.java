package io.medseg.nn.layers;

import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.UniformInitializer;

/**
 * How the reference code initialises convolution and linear layers, by fan-in (input channels / groups × kernel
 * volume, or in-features).
 */
public enum WeightInit {
    /** PyTorch's default: kaiming_uniform(a=√5) weights = U(±1/√fan_in), bias U(±1/√fan_in). */
    TORCH_DEFAULT,
    /** nnU-Net's InitWeights_He(1e-2): kaiming_normal(a=0.01) weights = N(0, √(2/(1+a²))/√fan_in), bias 0. */
    HE_NORMAL;

    public Initializer weight(long fanIn) {
        if (this == HE_NORMAL) {
            double gain = Math.sqrt(2.0 / (1 + 1e-4));
            return new NormalInitializer((float) (gain / Math.sqrt(fanIn)));
        }
        return new UniformInitializer((float) (1.0 / Math.sqrt(fanIn)));
    }

    public Initializer bias(long fanIn) {
        return this == HE_NORMAL ? new ConstantInitializer(0f) : new UniformInitializer((float) (1.0 / Math.sqrt(fanIn)));
    }
}
