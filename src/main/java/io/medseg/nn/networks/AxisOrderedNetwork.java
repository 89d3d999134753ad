package io.medseg.nn.networks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A network trained on arrays whose spatial axes come in another order than MedSeg's (i, j[, k]) (see
 * {@link NetworkConfig#axisOrder()}): its input is rearranged into that order and every output back. The order
 * matters beyond the kernels' axes: sequence layers read voxels as tokens in the array's order.
 *
 * <p>Shapes: input (B, C, *S) in MedSeg's order; outputs as the wrapped network's, in MedSeg's order.
 */
public final class AxisOrderedNetwork extends AbstractBlock {
    private final Block network;
    private final int[] toNetwork;
    private final int[] toImage;

    /** @param axisOrder network axis n is image axis axisOrder[n] */
    public AxisOrderedNetwork(Block network, int[] axisOrder) {
        this.network = addChildBlock("network", network);
        int dims = axisOrder.length;
        toNetwork = new int[dims + 2];
        toImage = new int[dims + 2];
        toNetwork[1] = 1;
        toImage[1] = 1;
        for (int n = 0; n < dims; n++) {
            toNetwork[n + 2] = axisOrder[n] + 2;
            toImage[axisOrder[n] + 2] = n + 2;
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList out = network.forward(ps, new NDList(inputs.singletonOrThrow().transpose(toNetwork)), training, params);
        NDList back = new NDList(out.size());
        for (NDArray o : out) {
            back.add(o.transpose(toImage));
        }
        return back;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] inner = network.getOutputShapes(new Shape[] { permute(inputShapes[0], toNetwork) });
        Shape[] out = new Shape[inner.length];
        for (int i = 0; i < inner.length; i++) {
            out[i] = permute(inner[i], toImage);
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        network.initialize(manager, dataType, permute(inputShapes[0], toNetwork));
    }

    /** The network this one rearranges axes for. */
    public Block network() {
        return network;
    }

    private static Shape permute(Shape s, int[] order) {
        long[] out = new long[order.length];
        for (int a = 0; a < order.length; a++) {
            out[a] = s.get(order[a]);
        }
        return new Shape(out);
    }
}
