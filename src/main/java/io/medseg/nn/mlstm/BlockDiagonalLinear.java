package io.medseg.nn.mlstm;

import io.medseg.nn.MixedPrecision;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * ViL's {@code LinearHeadwiseExpand} without bias: the F features are split into F/b consecutive blocks of b, and each
 * block is multiplied by its own b×b matrix, y_block = W_block · x_block. Weight (F/b, b, b) indexed [block, out, in],
 * so F·b parameters instead of F².
 *
 * <p>Input and output: (..., F).
 */
public final class BlockDiagonalLinear extends AbstractBlock {
    private final int features;
    private final int blockSize;
    private final Parameter weight;

    /**
     * @param features F, a multiple of {@code blockSize}
     * @param blockSize b
     * @param initStd standard deviation of the N(0, σ) init (ViL passes the block's model dim, not F)
     */
    public BlockDiagonalLinear(int features, int blockSize, double initStd) {
        if (blockSize < 1 || features % blockSize != 0) {
            throw new IllegalArgumentException(features + " features do not split into blocks of " + blockSize);
        }
        this.features = features;
        this.blockSize = blockSize;
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(features / blockSize, blockSize, blockSize))
                .optInitializer(new NormalInitializer((float) initStd)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        return new NDList(apply(x, MixedPrecision.value(ps, weight, x, training)));
    }

    /**
     * The projection with an explicit weight (F/b, b, b). The blocks become the batch of one batched matrix product,
     * (F/b, N, b) × (F/b, b, b); a broadcast product against the weight would make PyTorch expand the weight to N
     * copies.
     */
    public static NDArray apply(NDArray x, NDArray w) {
        Shape shape = x.getShape();
        long blocks = w.getShape().get(0);
        long b = w.getShape().get(1);
        NDArray grouped = x.reshape(-1, blocks, b).transpose(1, 0, 2); // (F/b, N, b)
        NDArray y = grouped.matMul(w.transpose(0, 2, 1)); // (F/b, N, b): row x_n · W_blockᵀ
        return y.transpose(1, 0, 2).reshape(shape);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] { inputShapes[0] };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // no children
    }

    public int features() {
        return features;
    }

    public int blockSize() {
        return blockSize;
    }

    public Parameter weight() {
        return weight;
    }
}
