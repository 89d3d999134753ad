package io.medseg.nn.networks.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.medseg.nn.SequenceLayout;
import io.medseg.nn.layers.Norm;
import io.medseg.nn.mamba.MambaBlock;

/**
 * U-Mamba's {@code MambaLayer}: a feature map as a token sequence → LayerNorm(dim) (weight and bias) → Mamba(dim) →
 * back to the map. There is no residual connection and no projection: the layer's output replaces the map.
 *
 * <p>Input and output: (B, C, *S).
 * <ul>
 * <li>Patch tokens (default): (B, L, C) with L = prod(S), C-order, dim = C.</li>
 * <li>Channel tokens (U-Mamba Enc where prod(S) ≤ C): (B, C, prod(S)), each channel a token, dim = prod(S).</li>
 * </ul>
 *
 * <p>Parameters: Mamba(dim) + 2·dim. Initialisation: LayerNorm weight 1, bias 0 (PyTorch's default); the Mamba block
 * keeps mamba_ssm's own (the backbone's He init touches only Conv2d/Conv3d).
 */
public final class MambaLayer extends AbstractBlock {
    private final int dim;
    private final boolean channelTokens;
    private final Norm norm;
    private final MambaBlock mamba;

    /**
     * @param dim C for patch tokens, prod(S) for channel tokens
     * @param channelTokens whether the channels are the tokens
     */
    public MambaLayer(int dim, boolean channelTokens) {
        this.dim = dim;
        this.channelTokens = channelTokens;
        norm = addChildBlock("norm", Norm.layerNorm(dim, true));
        mamba = addChildBlock("mamba", MambaBlock.builder().setModelDim(dim).build());
    }

    /** Mamba(dim) + 2·dim (the LayerNorm). */
    public static long parameterCount(int dim) {
        return MambaBlock.parameterCount(dim) + 2L * dim;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray map = inputs.singletonOrThrow();
        Shape spatial = SequenceLayout.spatialShape(map.getShape());
        long features = SequenceLayout.tokenFeatures(map.getShape(), channelTokens);
        if (features != dim) {
            throw new IllegalArgumentException("MambaLayer(dim " + dim + (channelTokens ? ", channel tokens" : "")
                    + ") got a map of shape " + map.getShape());
        }
        NDArray tokens = SequenceLayout.toTokens(map, channelTokens);
        NDArray normed = norm.forward(ps, new NDList(tokens), training).singletonOrThrow();
        NDArray out = mamba.forward(ps, new NDList(normed), training).singletonOrThrow();
        return new NDList(SequenceLayout.fromTokens(out, spatial, channelTokens));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] { inputShapes[0] };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokens = SequenceLayout.tokenShape(inputShapes[0], channelTokens);
        norm.initialize(manager, dataType, tokens);
        mamba.initialize(manager, dataType, tokens);
    }

    public int dim() {
        return dim;
    }

    public boolean channelTokens() {
        return channelTokens;
    }
}
