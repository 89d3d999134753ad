package io.medseg.nn.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.medseg.nn.Functions;

/**
 * Up-sampling of (B, C, *S) feature maps as the reference networks do it, with no learnable parameters.
 * <ul>
 * <li>{@link #linear2x}: ×2 (bi/tri)linear interpolation with align_corners=False (MONAI UpSample in LightM-UNet).
 * PyTorch's trilinear kernel is not reachable through DJL, so every axis is done separably: along an axis of length
 * n, out[2i] = 0.75·x[i] + 0.25·x[max(i−1, 0)] and out[2i+1] = 0.75·x[i] + 0.25·x[min(i+1, n−1)], which is exactly
 * linear interpolation at ×2 with half-pixel centres and edge clamping.</li>
 * <li>{@link #nearest}: nearest-neighbour by integer factors per axis (U-Mamba/xLSTM-UNet decoder).</li>
 * </ul>
 */
public final class Resample {
    private Resample() {
    }

    /** ×2 linear up-sampling of every spatial axis (2D or 3D), align_corners=False. */
    public static NDArray linear2x(NDArray x) {
        NDArray y = x;
        for (int axis = 2; axis < x.getShape().dimension(); axis++) {
            y = linear2xAlong(y, axis);
        }
        return y;
    }

    private static NDArray linear2xAlong(NDArray x, int axis) {
        long n = x.getShape().get(axis);
        NDArray left;
        NDArray right;
        if (n == 1) {
            left = x;
            right = x;
        } else {
            left = x.get(range(axis, 0, 1)).concat(x.get(range(axis, 0, n - 1)), axis); // x[max(i-1, 0)]
            right = x.get(range(axis, 1, n)).concat(x.get(range(axis, n - 1, n)), axis); // x[min(i+1, n-1)]
        }
        // weights as engine-owned tensors: see Functions.scale for why mul(Number) is unsafe under autograd
        NDArray near = Functions.scale(x, 0.75);
        NDArray even = near.add(Functions.scale(left, 0.25));
        NDArray odd = near.add(Functions.scale(right, 0.25));
        Shape s = x.getShape();
        long[] out = s.getShape().clone(); // getShape() hands out the shape's own array: x's, here
        out[axis] = 2 * n;
        return NDArrays.stack(new NDList(even, odd), axis + 1).reshape(new Shape(out));
    }

    /** Nearest-neighbour up-sampling by an integer factor per spatial axis. */
    public static NDArray nearest(NDArray x, long... factors) {
        NDArray y = x;
        for (int i = 0; i < factors.length; i++) {
            if (factors[i] > 1) {
                y = y.repeat(i + 2, factors[i]);
            }
        }
        return y;
    }

    private static NDIndex range(int axis, long from, long to) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < axis; i++) {
            b.append(":,");
        }
        b.append(from).append(':').append(to);
        return new NDIndex(b.toString());
    }
}
