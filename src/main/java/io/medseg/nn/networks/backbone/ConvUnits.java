package io.medseg.nn.networks.backbone;

import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.medseg.nn.layers.ConvNd;
import io.medseg.nn.layers.WeightInit;

/**
 * The conventions every convolution of the nnU-Net residual backbone shares, in one place: bias on, "same" padding,
 * nnU-Net's InitWeights_He(0.01) (He-normal weights, zero bias), LeakyReLU with slope 0.01 (PyTorch's default, which
 * the reference code keeps), and the parameter count of such a convolution. nnU-Net's own networks
 * ({@link io.medseg.nn.networks.nnunet}) share them.
 */
public final class ConvUnits {
    /** LeakyReLU's negative slope: nn.LeakyReLU() without arguments, as the plans' nonlin_kwargs leave it. */
    static final float LEAKY_SLOPE = 0.01f;

    private ConvUnits() {
    }

    /** A convolution with bias and He(0.01) init; kernel and stride per axis. */
    static ConvNd conv(int dims, int in, int out, long[] kernel, long[] stride) {
        return conv(in, out, kernel, stride, true);
    }

    /** A convolution with He(0.01) init, with or without bias (nnU-Net's residual skips have none). */
    public static ConvNd conv(int in, int out, long[] kernel, long[] stride, boolean bias) {
        return ConvNd.builder().setDims(kernel.length).setChannels(in, out).setKernel(kernel).optStride(stride)
                .optBias(bias).optInit(WeightInit.HE_NORMAL).build();
    }

    /** A 1×1(×1) convolution with bias and He(0.01) init. */
    static ConvNd pointwise(int dims, int in, int out, long[] stride) {
        return conv(dims, in, out, filled(dims, 1), stride);
    }

    public static NDArray leakyRelu(NDArray x) {
        // torch's leaky_relu kernel with the slope passed as a scalar argument, not as a Java-buffer tensor
        return Activation.leakyRelu(x, LEAKY_SLOPE);
    }

    /** ci·co·∏k + co: a biased convolution's parameters. */
    static long convParameters(long in, long out, long[] kernel) {
        return in * out * volume(kernel) + out;
    }

    static long volume(long[] v) {
        return Arrays.stream(v).reduce(1, (a, b) -> a * b);
    }

    static long[] filled(int dims, long value) {
        long[] a = new long[dims];
        Arrays.fill(a, value);
        return a;
    }
}
