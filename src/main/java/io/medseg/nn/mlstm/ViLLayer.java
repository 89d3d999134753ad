package io.medseg.nn.mlstm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.medseg.nn.SequenceLayout;

/**
 * xLSTM-UNet's {@code ViLLayer}: one {@link ViLBlock} applied to a feature map as a token sequence, in fp32 in the
 * original (it disables autocast).
 *
 * <p>Input and output: (B, C, *S), any number of spatial axes.
 * <ul>
 * <li>Patch tokens (default): the map is flattened in C order (last spatial axis fastest) to (B, L, C) with
 * L = prod(S), and the block runs with dim = C.</li>
 * <li>Channel tokens ({@code channelTokens = true}, used by the Enc variants where prod(S) ≤ C): each channel is a
 * token of prod(S) features, (B, C, prod(S)), and the block runs with dim = prod(S).</li>
 * </ul>
 *
 * <p>The original wrapper also builds a LayerNorm(dim) with weight and bias that its forward never calls. It is kept
 * here (parameters {@code norm_weight}, {@code norm_bias}, init 1 and 0) so parameter counts and checkpoints line up
 * with the reference: 6D² + 89D + 8 per layer for D % 4 = 0. It receives no gradient.
 */
public final class ViLLayer extends AbstractBlock {
    private final int dim;
    private final boolean channelTokens;
    private final ViLBlock block;

    /**
     * @param dim C in patch-token mode, prod(S) in channel-token mode
     * @param channelTokens whether channels are the tokens
     */
    public ViLLayer(int dim, boolean channelTokens) {
        this(ViLBlock.builder().setDim(dim), channelTokens);
    }

    /** With a pre-configured block builder (for the mLSTM form thresholds); its dim is the layer's dim. */
    public ViLLayer(ViLBlock.Builder blockBuilder, boolean channelTokens) {
        this.block = addChildBlock("vil", blockBuilder.build());
        this.dim = block.dim();
        this.channelTokens = channelTokens;
        addParameter(Parameter.builder().setName("norm_weight").setType(Parameter.Type.GAMMA)
                .optShape(new Shape(dim)).optInitializer(Initializer.ONES).build());
        addParameter(Parameter.builder().setName("norm_bias").setType(Parameter.Type.BETA)
                .optShape(new Shape(dim)).optInitializer(Initializer.ZEROS).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray map = inputs.singletonOrThrow();
        Shape spatial = SequenceLayout.spatialShape(map.getShape());
        long features = SequenceLayout.tokenFeatures(map.getShape(), channelTokens);
        if (map.getShape().dimension() < 3 || features != dim) {
            throw new IllegalArgumentException("ViLLayer(dim " + dim + (channelTokens ? ", channel tokens" : "")
                    + ") got a map of shape " + map.getShape());
        }
        NDArray tokens = toTokens(map);
        NDArray out = block.forward(ps, new NDList(tokens), training).singletonOrThrow();
        return new NDList(SequenceLayout.fromTokens(out, spatial, channelTokens));
    }

    /** The token sequence the block sees: (B, L, C) for patch tokens, (B, C, prod(S)) for channel tokens. */
    NDArray toTokens(NDArray map) {
        return SequenceLayout.toTokens(map, channelTokens);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] { inputShapes[0] };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        block.initialize(manager, dataType, SequenceLayout.tokenShape(inputShapes[0], channelTokens));
    }

    public int dim() {
        return dim;
    }

    public boolean channelTokens() {
        return channelTokens;
    }

    public ViLBlock block() {
        return block;
    }

    /** 6D² + 89D + 8 for D % 4 = 0: the block plus the unused wrapper norm. */
    public static long parameterCount(int dim) {
        return ViLBlock.parameterCount(dim) + 2L * dim;
    }
}
