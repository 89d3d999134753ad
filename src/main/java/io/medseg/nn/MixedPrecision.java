package io.medseg.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * Mixed precision the way PyTorch's autocast does it, without autocast: parameters stay float32 (the optimiser
 * updates them, checkpoints store them), and a layer whose input is bfloat16 or float16 uses a cast copy of each
 * parameter in that type. The cast is differentiable, so gradients arrive at the float32 parameters. Layers that
 * autocast keeps in float32 (normalisations, the selective scan) cast their input up instead.
 */
public final class MixedPrecision {
    private MixedPrecision() {
    }

    /** True for the 16-bit floating-point types. */
    public static boolean isLow(DataType type) {
        return type == DataType.BFLOAT16 || type == DataType.FLOAT16;
    }

    /**
     * The parameter's value on {@code like}'s device and in its type. A cast is a per-step temporary, so it is attached
     * to the activations' manager, not the long-lived parameters' one.
     */
    public static NDArray value(ParameterStore ps, Parameter p, NDArray like, boolean training) {
        NDArray w = ps.getValue(p, like.getDevice(), training);
        if (w.getDataType() == like.getDataType()) {
            return w;
        }
        NDArray cast = w.toType(like.getDataType(), false);
        cast.attach(like.getManager());
        return cast;
    }
}
