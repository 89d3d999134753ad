package io.medseg.io.torch;

import java.util.Arrays;

/**
 * A tensor as {@code torch.save} stores it: a view (shape, strides, offset, in elements) into a storage of the
 * checkpoint. Its values are read on demand with {@link TorchCheckpoint#floats(TorchTensor)}; two tensors that
 * PyTorch saved as one object (a module shared by two parents) are the same instance.
 *
 * @param dtype the storage's element type
 * @param storage the storage's record name inside the checkpoint archive ({@code data/<storage>})
 * @param storageElements the storage's length in elements
 * @param offset the view's first element in the storage
 * @param shape the view's size per axis
 * @param stride the view's step per axis, in elements
 */
public record TorchTensor(TorchDType dtype, String storage, long storageElements, long offset, long[] shape,
        long[] stride) {

    public TorchTensor {
        shape = shape.clone();
        stride = stride.clone();
    }

    /** Number of elements. */
    public long size() {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    /** The largest storage index the view reaches, plus one (0 for an empty view). */
    long extent() {
        if (size() == 0) {
            return 0;
        }
        long last = offset;
        for (int i = 0; i < shape.length; i++) {
            last += (shape[i] - 1) * stride[i];
        }
        return last + 1;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public long[] stride() {
        return stride.clone();
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }
}
