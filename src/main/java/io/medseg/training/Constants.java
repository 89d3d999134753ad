package io.medseg.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar tensors for differentiated arithmetic. DJL's {@code mul(Number)}/{@code div(Number)} wrap the number over a
 * Java buffer and free it while autograd still holds it, and {@code manager.full} only takes a float (which would round
 * fp64 constants such as 1e-5 or 4/7). Here the value is made in fp64 and cloned into a PyTorch-owned tensor of the
 * wanted type.
 */
final class Constants {
    private Constants() {
    }

    /** A 0-d tensor holding {@code value} in {@code like}'s data type, on {@code like}'s manager. */
    static NDArray scalar(NDArray like, double value) {
        return scalar(like, value, like.getDataType());
    }

    static NDArray scalar(NDArray like, double value, DataType type) {
        try (NDArray raw = like.getManager().create(value)) {
            NDArray typed = raw.toType(type, false);
            NDArray owned = typed.duplicate();
            if (typed != raw) {
                typed.close();
            }
            return owned.reshape(new Shape());
        }
    }
}
