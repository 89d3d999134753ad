package io.medseg.nn.layers;

import io.medseg.nn.MixedPrecision;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * nn.Linear over the last axis with PyTorch's weight layout (out, in) and default init U(±1/√in).
 *
 * <p>Shapes: (…, in) → (…, out).
 */
public final class Linear extends AbstractBlock {
    private final int in;
    private final int out;
    private final Parameter weight;
    private final Parameter bias;

    public Linear(int in, int out, boolean withBias) {
        this.in = in;
        this.out = out;
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in)).optInitializer(WeightInit.TORCH_DEFAULT.weight(in)).build());
        bias = withBias ? addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(out)).optInitializer(WeightInit.TORCH_DEFAULT.bias(in)).build()) : null;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        // torch's linear: no transposed copy of the weight is created in the parameters' manager
        return ai.djl.nn.core.Linear.linear(x, MixedPrecision.value(ps, weight, x, training),
                bias == null ? null : MixedPrecision.value(ps, bias, x, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] { s.slice(0, s.dimension() - 1).add(out) };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // no children
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }
}
