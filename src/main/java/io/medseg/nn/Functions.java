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

    /**
     * x · c with c held in a tensor PyTorch allocated itself. DJL's {@code mul(Number)} wraps the number in a tensor
     * over a Java direct buffer and closes it at once; autograd keeps that tensor for the backward pass, and once the
     * buffer is collected the saved factor is garbage (seen as rare non-finite gradients). Use this in anything that
     * is differentiated.
     */
    public static NDArray scale(NDArray x, double c) {
        return x.mul(x.getManager().full(new ai.djl.ndarray.types.Shape(), (float) c, x.getDataType()));
    }

    /** Inverse of softplus for x > 0: x + log(-expm1(-x)), used to initialise Mamba's dt bias. */
    public static double inverseSoftplus(double x) {
        return x + Math.log(-Math.expm1(-x));
    }
}
