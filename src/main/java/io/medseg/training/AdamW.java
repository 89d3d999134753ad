package io.medseg.training;

import ai.djl.ndarray.NDArray;

/**
 * torch.optim.AdamW: decoupled weight decay θ ← θ·(1 − lr·λ) before the plain Adam update, so the decay is not
 * rescaled by the adaptive denominator (Loshchilov & Hutter).
 */
public final class AdamW extends Adam {
    public AdamW(double learningRate, double weightDecay, double eps) {
        super(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, eps, weightDecay);
    }

    public AdamW(double learningRate, double beta1, double beta2, double eps, double weightDecay) {
        super(learningRate, beta1, beta2, eps, weightDecay);
    }

    @Override
    protected NDArray effectiveGradient(NDArray param, NDArray grad) {
        return grad;
    }

    @Override
    protected void decay(NDArray param) {
        if (weightDecay != 0) {
            param.muli(1 - learningRate() * weightDecay);
        }
    }
}
