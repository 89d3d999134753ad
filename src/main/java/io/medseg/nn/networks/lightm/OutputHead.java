package io.medseg.nn.networks.lightm;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.medseg.nn.layers.Norm;

/**
 * LightM-UNet's final block ({@code conv_final}): GroupNorm(8, C) → ReLU → DWConv(C→classes, k = 1, WITH bias), i.e.
 * a per-channel scale and bias followed by a pointwise convolution with bias. Produces logits; no softmax.
 *
 * <p>Shapes: (B, C, *S) → (B, classes, *S). Parameters: 2C + (C + C) + (C·classes + classes).
 */
public final class OutputHead extends AbstractBlock {
    private final Norm norm;
    private final DWConv conv;

    public OutputHead(int dims, int channels, int classes, int groups) {
        norm = addChildBlock("norm", Norm.groupNorm(groups, channels));
        conv = addChildBlock("conv", DWConv.builder().setDims(dims).setChannels(channels, classes).optKernel(1)
                .optBias(true).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList h = new NDList(Activation.relu(norm.forward(ps, inputs, training).singletonOrThrow()));
        return conv.forward(ps, h, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return conv.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        norm.initialize(manager, dataType, inputShapes);
        conv.initialize(manager, dataType, inputShapes);
    }
}
