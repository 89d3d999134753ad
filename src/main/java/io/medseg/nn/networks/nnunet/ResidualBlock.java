package io.medseg.nn.networks.nnunet;

import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.medseg.nn.networks.backbone.ConvUnits;

/**
 * dynamic-network-architectures' BasicBlockD as ResidualEncoderUNet builds it, the general form: conv1 (strided,
 * LeakyReLU), conv2 (no activation), plus a skip that is the identity, or, when the block changes channels or
 * strides, average pooling over the stride (if any) then a 1×1 conv without bias and instance norm; LeakyReLU after
 * the sum. The skip's pooling is a child-less step, so its conv is "skip.1" after a pooling and "skip.0" without.
 *
 * <p>Shapes: input (B, Cin, *S), output (B, Cout, *(S/stride)).
 */
final class ResidualBlock extends AbstractBlock {
    private final ConvNormAct conv1;
    private final ConvNormAct conv2;
    private final ConvNormAct skip;
    private final long[] pool;

    ResidualBlock(int in, int out, long[] kernel, long[] stride, boolean bias) {
        long[] one = new long[kernel.length];
        Arrays.fill(one, 1);
        boolean strided = !Arrays.equals(stride, one);
        conv1 = addChildBlock("conv1", new ConvNormAct(in, out, kernel, stride, bias, true));
        conv2 = addChildBlock("conv2", new ConvNormAct(out, out, kernel, one, bias, false));
        skip = strided || in != out
                ? addChildBlock(strided ? "skip.1" : "skip.0", new ConvNormAct(in, out, one, one, false, false))
                : null;
        pool = strided ? stride.clone() : null;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray y = conv2.forward(ps, conv1.forward(ps, inputs, training), training).singletonOrThrow();
        NDArray identity = x;
        if (pool != null) {
            Shape k = new Shape(pool);
            Shape zero = new Shape(new long[pool.length]);
            identity = pool.length == 2 ? Pool.avgPool2d(x, k, k, zero, false, true)
                    : Pool.avgPool3d(x, k, k, zero, false, true);
        }
        if (skip != null) {
            identity = skip.forward(ps, new NDList(identity), training).singletonOrThrow();
        }
        return new NDList(ConvUnits.leakyRelu(y.add(identity)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return conv1.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        conv1.initialize(manager, dataType, inputShapes);
        Shape[] mid = conv1.getOutputShapes(inputShapes);
        conv2.initialize(manager, dataType, mid);
        if (skip != null) {
            Shape s = inputShapes[0];
            long[] pooled = s.getShape().clone(); // not the caller's shape's own array
            for (int a = 0; pool != null && a < pool.length; a++) {
                pooled[a + 2] = s.get(a + 2) / pool[a];
            }
            skip.initialize(manager, dataType, new Shape(pooled));
        }
    }
}
