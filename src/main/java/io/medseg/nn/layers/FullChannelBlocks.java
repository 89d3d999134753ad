package io.medseg.nn.layers;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Runs a CPU convolution whose input gradient will be needed on channel counts that fill oneDNN's channel blocks.
 *
 * <p>Why: PyTorch 2.7.1's bundled oneDNN 3.7.1 computes the input gradient of a spatial convolution on AVX-512 CPUs
 * with a {@code jit:avx512_core} kernel that stores channels in blocks of 16 and reads the padding channels of the
 * incoming gradient without initialising them. When that recycled native memory holds NaN or Inf bit patterns,
 * {@code 0 * NaN} turns every channel of the input gradient into NaN (weight and bias gradients stay finite), so a
 * network with 4 or 8 features per stage trains into NaN on such machines, at random. With every channel count a
 * multiple of 16 there are no padding channels to read: the input and the weight get zero channels appended, the
 * output's extra channels are dropped, and since the appended weights and inputs are exactly zero the result and every
 * gradient are those of the original convolution (PyTorch's slice and concatenation backward give the extra channels
 * exactly-zero gradients).
 *
 * <p>Applied on every CPU, not only where the faulty kernel runs: oneDNN picks its kernel by the CPU's instruction
 * set (AVX2, AVX-512, AMX) and by {@code ONEDNN_MAX_CPU_ISA}, which Java cannot see, and one rule for all machines
 * keeps results alike. It costs nothing where it is not needed: not without gradients (prediction), not on GPUs,
 * not for the planned networks (32 features and multiples of 16 from there), not for 1x1 kernels (oneDNN's separate
 * 1x1 kernels did not show the fault with 3-class heads). Grouped convolutions other than depthwise ones are left
 * alone (no network here has them).
 */
public final class FullChannelBlocks {
    /** oneDNN's channel block for float32 on AVX-512. */
    static final int BLOCK = 16;

    /** A convolution of {@code x} (B, Cin, *S) with weight (Cout, Cin/groups, *k) and an optional bias (Cout). */
    @FunctionalInterface
    public interface Convolution {
        NDArray apply(NDArray x, NDArray weight, NDArray bias, int groups);
    }

    private FullChannelBlocks() {
    }

    /** {@code conv.apply(x, weight, bias, groups)}, on zero-padded channels where oneDNN's fault could reach it. */
    public static NDArray convolve(NDArray x, NDArray weight, NDArray bias, int groups, Convolution conv) {
        int in = (int) x.getShape().get(1);
        int out = (int) weight.getShape().get(0);
        if (!needed(x, weight, in, out, groups)) {
            return conv.apply(x, weight, bias, groups);
        }
        int paddedIn = roundUp(in);
        int paddedOut = roundUp(out);
        boolean depthwise = groups > 1;
        NDArray w = pad(weight, 0, paddedOut);
        if (!depthwise) {
            w = pad(w, 1, paddedIn);
        }
        NDArray y = conv.apply(pad(x, 1, paddedIn), w, bias == null ? null : pad(bias, 0, paddedOut),
                depthwise ? paddedOut : 1);
        return y.get(":, :{}", out);
    }

    /**
     * Whether a convolution needs padding: it runs on a CPU while autograd records (its input gradient may be
     * computed) and a channel block is partial. Grad mode, not the input's {@code hasGradient()}: DJL answers false for
     * every activation inside a network (only leaves count there), which left the padding off in all training.
     */
    static boolean needed(NDArray x, NDArray weight, int in, int out, int groups) {
        if (x.getDevice().getDeviceType() != Device.Type.CPU || !(JniUtils.isGradMode() || x.hasGradient())) {
            return false;
        }
        Shape kernel = weight.getShape().slice(2);
        if (kernel.size() == 1) {
            return false; // 1x1(x1)
        }
        boolean depthwise = groups > 1 && groups == in && groups == out;
        if (groups > 1 && !depthwise) {
            return false;
        }
        return in % BLOCK != 0 || out % BLOCK != 0;
    }

    static int roundUp(int channels) {
        return (channels + BLOCK - 1) / BLOCK * BLOCK;
    }

    /** {@code a} with zeros appended along {@code axis} up to {@code size}. */
    private static NDArray pad(NDArray a, int axis, int size) {
        long have = a.getShape().get(axis);
        if (have == size) {
            return a;
        }
        long[] zerosShape = a.getShape().getShape().clone(); // getShape() hands out the shape's own array
        zerosShape[axis] = size - have;
        NDArray zeros = a.getManager().zeros(new Shape(zerosShape), a.getDataType(), a.getDevice());
        return NDArrays.concat(new NDList(a, zeros), axis);
    }
}
