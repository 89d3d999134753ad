package io.medseg.nn.networks;

import java.util.ArrayList;
import java.util.List;

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
 * Networks of one config trained on different cross-validation folds, predicting together: the output is the log of
 * the mean of the folds' softmax probabilities, i.e. logits whose softmax is that mean, so every consumer of logits
 * (the sliding window, the argmax) sees the ensemble's probabilities.
 *
 * <p>Shapes: input (B, C, *S); output one (B, classes, *S) (the folds run without deep supervision).
 */
public final class FoldEnsemble extends AbstractBlock {
    private final List<Block> folds = new ArrayList<>();

    public FoldEnsemble(List<Block> networks) {
        if (networks.size() < 2) {
            throw new IllegalArgumentException("an ensemble needs two or more networks");
        }
        for (int f = 0; f < networks.size(); f++) {
            folds.add(addChildBlock("fold" + f, networks.get(f)));
        }
    }

    /** The fold networks, in fold order. */
    public List<Block> folds() {
        return List.copyOf(folds);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray sum = null;
        for (Block fold : folds) {
            NDArray p = fold.forward(ps, inputs, training, params).get(0).softmax(1);
            sum = sum == null ? p : sum.add(p);
        }
        return new NDList(sum.div(folds.size()).log());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] { folds.get(0).getOutputShapes(inputShapes)[0] };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block fold : folds) {
            fold.initialize(manager, dataType, inputShapes);
        }
    }
}
