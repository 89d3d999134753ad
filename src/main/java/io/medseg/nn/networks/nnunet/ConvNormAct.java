package io.medseg.nn.networks.nnunet;

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
import io.medseg.nn.networks.backbone.ConvUnits;

/**
 * dynamic-network-architectures' ConvDropoutNormReLU as nnU-Net's plans configure it: a convolution ("same" padding,
 * bias as conv_bias, He(0.01) init), instance norm (affine, eps 1e-5), and LeakyReLU(0.01) unless it is the last unit
 * of a residual branch ({@link ConvUnits}' conventions). No dropout (the plans set none).
 *
 * <p>Shapes: input (B, Cin, *S), output (B, Cout, *ceil(S/stride)).
 */
final class ConvNormAct extends AbstractBlock {
    private final ConvNd conv;
    private final Norm norm;
    private final boolean activation;

    ConvNormAct(int in, int out, long[] kernel, long[] stride, boolean bias, boolean activation) {
        conv = addChildBlock("conv", ConvUnits.conv(in, out, kernel, stride, bias));
        norm = addChildBlock("norm", Norm.instanceNorm(out));
        this.activation = activation;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray y = norm.forward(ps, conv.forward(ps, inputs, training), training).singletonOrThrow();
        return new NDList(activation ? ConvUnits.leakyRelu(y) : y);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return conv.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        conv.initialize(manager, dataType, inputShapes);
        norm.initialize(manager, dataType, conv.getOutputShapes(inputShapes));
    }
}
