package io.medseg.training;

import ai.djl.ndarray.NDArray;

/**
 * torch.optim.Adam (amsgrad off, single-tensor path) with coupled L2 weight decay: g ← g + λ·θ;
 * m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; θ ← θ − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + ε).
 * The decay goes through the moments, which is what LightM-UNet trains with (not AdamW).
 */
public class Adam extends Optimizer {
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;

    protected final double beta1;
    protected final double beta2;
    protected final double eps;
    protected final double weightDecay;

    public Adam(double learningRate, double weightDecay, double eps) {
        this(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, eps, weightDecay);
    }

    public Adam(double learningRate, double beta1, double beta2, double eps, double weightDecay) {
        super(learningRate);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** The gradient the moments see: with L2 decay coupled in. AdamW overrides this to leave it untouched. */
    protected NDArray effectiveGradient(NDArray param, NDArray grad) {
        return weightDecay == 0 ? grad : grad.add(param.mul(weightDecay));
    }

    /** Hook before the moment update; AdamW shrinks the parameter here. */
    protected void decay(NDArray param) {
    }

    @Override
    protected void update(String name, NDArray param, NDArray grad, long step) {
        decay(param);
        NDArray g = effectiveGradient(param, grad);
        NDArray m = buffer("exp_avg", name, param);
        NDArray v = buffer("exp_avg_sq", name, param);
        m.muli(beta1).addi(g.mul(1 - beta1));
        v.muli(beta2).addi(g.mul(g).muli(1 - beta2));
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        double stepSize = learningRate() / biasCorrection1;
        NDArray denom = v.sqrt().divi(biasCorrection2Sqrt).addi(eps);
        param.subi(m.div(denom).muli(stepSize));
    }
}
