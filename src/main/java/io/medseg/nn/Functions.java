package io.medseg.nn;

import ai.djl.ndarray.NDArray;

/** Element-wise functions the sequence mixers need, written to be numerically stable in fp32. */
public final class Functions {
    private Functions() {
    }

    /**
     * softplus(x) = log(1 + e^x) through PyTorch's own kernel, which uses log1p and returns x above 20, so large |x|
     * neither overflows nor loses digits (a hand-made log(1 + exp(-|x|)) would round tiny values to 0 in fp32).
     */
    public static NDArray softplus(NDArray x) {
        return x.getNDArrayInternal().softPlus();
    }

    /** log(sigmoid(x)) = -softplus(-x). */
    public static NDArray logSigmoid(NDArray x) {
        return softplus(x.neg()).neg();
    }

    /** SiLU (swish): x * sigmoid(x). */
    public static NDArray silu(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }

    /** Inverse of softplus for x > 0: x + log(-expm1(-x)), used to initialise Mamba's dt bias. */
    public static double inverseSoftplus(double x) {
        return x + Math.log(-Math.expm1(-x));
    }
}
