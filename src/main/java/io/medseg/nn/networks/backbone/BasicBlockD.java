package io.medseg.nn.networks.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.medseg.nn.layers.ConvNd;
import io.medseg.nn.layers.Norm;

/**
 * {@code BasicBlockD} of dynamic-network-architectures as the U-Mamba / xLSTM-UNet backbone uses it: stride 1 and
 * equal channels, so the skip is the identity. conv k → IN → LReLU → conv k → IN, add the input, LReLU. (The general
 * block's strided/pooled projection skip and stochastic depth are never used by these networks and are not built.)
 *
 * <p>Shapes: input and output (B, C, *S). Convolutions have bias (the plans set conv_bias) and He(0.01) init.
 *
 * <p>Parameters: 2·conv(C, C, k) + 4C.
 */
public final class BasicBlockD extends AbstractBlock {
    private final int channels;
    private final ConvNd conv1;
    private final Norm norm1;
    private final ConvNd conv2;
    private final Norm norm2;

    /**
     * @param dims 2 or 3
     * @param channels C, in and out
     * @param kernel odd kernel size per axis
     */
    public BasicBlockD(int dims, int channels, long... kernel) {
        if (channels <= 0 || kernel.length != dims) {
            throw new IllegalArgumentException("BasicBlockD needs positive channels and " + dims + " kernel sizes");
        }
        this.channels = channels;
        long[] one = ConvUnits.filled(dims, 1);
        conv1 = addChildBlock("conv1", ConvUnits.conv(dims, channels, channels, kernel, one));
        norm1 = addChildBlock("norm1", Norm.instanceNorm(channels));
        conv2 = addChildBlock("conv2", ConvUnits.conv(dims, channels, channels, kernel, one));
        norm2 = addChildBlock("norm2", Norm.instanceNorm(channels));
    }

    /** 2·conv(C, C, k) + 4C. */
    public static long parameterCount(long channels, long[] kernel) {
        return 2 * ConvUnits.convParameters(channels, channels, kernel) + 4 * channels;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray y = conv1.forward(ps, new NDList(x), training).singletonOrThrow();
        y = ConvUnits.leakyRelu(norm1.forward(ps, new NDList(y), training).singletonOrThrow());
        y = conv2.forward(ps, new NDList(y), training).singletonOrThrow();
        y = norm2.forward(ps, new NDList(y), training).singletonOrThrow();
        return new NDList(ConvUnits.leakyRelu(y.add(x)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] { inputShapes[0] };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (var child : getChildren().values()) {
            child.initialize(manager, dataType, inputShapes[0]);
        }
    }

    public int channels() {
        return channels;
    }
}
