package io.medseg.training;

import ai.djl.ndarray.NDArray;

/**
 * torch.optim.SGD(momentum=μ, dampening=0, nesterov=True, weight_decay=λ) as nnU-Net trains:
 * g ← g + λ·θ; b ← g on the first step, else b ← μ·b + g; θ ← θ − lr·(g + μ·b).
 */
public final class SgdNesterov extends Optimizer {
    private final double momentum;
    private final double weightDecay;

    public SgdNesterov(double learningRate, double momentum, double weightDecay) {
        super(learningRate);
        if (momentum <= 0) {
            throw new IllegalArgumentException("Nesterov momentum requires momentum > 0");
        }
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override
    protected void update(String name, NDArray param, NDArray grad, long step) {
        NDArray g = weightDecay == 0 ? grad : grad.add(param.mul(weightDecay));
        NDArray b;
        if (hasBuffer("momentum_buffer", name)) {
            b = buffer("momentum_buffer", name, param);
            b.muli(momentum).addi(g);
        } else {
            // PyTorch starts the buffer at the first gradient itself, not at zero
            b = g.duplicate();
            putBuffer("momentum_buffer", name, b);
        }
        param.subi(g.add(b.mul(momentum)).muli(learningRate()));
    }
}
