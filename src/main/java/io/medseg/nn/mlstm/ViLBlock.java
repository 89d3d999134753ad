package io.medseg.nn.mlstm;

import io.medseg.nn.MixedPrecision;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import io.medseg.nn.CausalDepthwiseConv1d;
import io.medseg.nn.mamba.CausalConvSilu;
import io.medseg.nn.Functions;

/**
 * The Vision-LSTM (ViL v1) block as xLSTM-UNet uses it, forward direction only: Y = X + core(LN(X)).
 *
 * <p>Input and output: (B, L, D), tokens in scan order (the mLSTM is causal along L).
 *
 * <p>With inner width E = 2D and block size b = 4 (2 when D % 4 ≠ 0, xLSTM-UNet's patch), the core is:
 * <ol>
 * <li>[x_m, z] = split(LN(X)·W_upᵀ), W_up (2E, D), no bias; LN has weight (1 + w), no bias, eps 1e-5;</li>
 * <li>c = SiLU(causal depthwise conv k = 4 with bias (x_m));</li>
 * <li>q = BlockDiag(c), k = BlockDiag(c), v = BlockDiag(x_m), each E/b blocks of b×b, no bias;</li>
 * <li>ĩ, f̃ = [q, k, v]·Wᵀ + bias with W (NH, 3E); NH = b heads of size dh = E/NH (ViL ties the cell's head count to
 * the block size, so the D % 4 ≠ 0 fallback also halves the heads);</li>
 * <li>h̃ = {@link MlstmCell#apply}, then the per-head norm (weight (1 + w), no bias, eps 1e-5);</li>
 * <li>out = ((h̃ + s ⊙ c) ⊙ SiLU(z))·W_downᵀ, W_down (D, E), no bias.</li>
 * </ol>
 *
 * <p>Parameters: 6D² + 87D + 8 for b = 4, 6D² + 51D + 4 for b = 2. Initialisation as in ViL: W_up, q, k, v
 * N(0, √(2/(5D))), W_down N(0, 2/√D), gate weights 0, input-gate bias N(0, 0.1), forget-gate bias linspace(3, 6, NH),
 * skip s = 1, norm weights w = 0, conv PyTorch's default.
 *
 * <p>Memory for backward, beyond the cell (see {@link MlstmCell}): the projections, conv, norms and gating keep about
 * 20 tensors of width E or 3E per token, roughly 4·(30·D) bytes per token in fp32.
 */
public final class ViLBlock extends AbstractBlock {
    private static final int CONV_KERNEL = 4;

    private final int dim;
    private final int inner;
    private final int blockSize;
    private final int heads;
    private final int parallelMaxLength;
    private final int chunkSize;

    private final Parameter normWeight;
    private final Parameter upWeight;
    private final CausalDepthwiseConv1d conv;
    private final BlockDiagonalLinear qProj;
    private final BlockDiagonalLinear kProj;
    private final BlockDiagonalLinear vProj;
    private final Parameter igateWeight;
    private final Parameter igateBias;
    private final Parameter fgateWeight;
    private final Parameter fgateBias;
    private final Parameter outNormWeight;
    private final Parameter skip;
    private final Parameter downWeight;

    ViLBlock(Builder builder) {
        dim = builder.dim;
        inner = 2 * dim;
        blockSize = dim % 4 == 0 ? 4 : 2;
        heads = blockSize;
        parallelMaxLength = builder.parallelMaxLength;
        chunkSize = builder.chunkSize;
        double smallStd = Math.sqrt(2.0 / (5.0 * dim));
        double wangStd = 2.0 / Math.sqrt(dim);

        normWeight = addParameter(param("norm_weight", Parameter.Type.GAMMA, new Shape(dim), Initializer.ZEROS));
        upWeight = addParameter(param("up_weight", Parameter.Type.WEIGHT, new Shape(2L * inner, dim),
                new NormalInitializer((float) smallStd)));
        conv = addChildBlock("conv", new CausalDepthwiseConv1d(inner, CONV_KERNEL));
        qProj = addChildBlock("q", new BlockDiagonalLinear(inner, blockSize, smallStd));
        kProj = addChildBlock("k", new BlockDiagonalLinear(inner, blockSize, smallStd));
        vProj = addChildBlock("v", new BlockDiagonalLinear(inner, blockSize, smallStd));
        igateWeight = addParameter(param("igate_weight", Parameter.Type.WEIGHT, new Shape(heads, 3L * inner),
                Initializer.ZEROS));
        igateBias = addParameter(param("igate_bias", Parameter.Type.BIAS, new Shape(heads),
                new NormalInitializer(0.1f)));
        fgateWeight = addParameter(param("fgate_weight", Parameter.Type.WEIGHT, new Shape(heads, 3L * inner),
                Initializer.ZEROS));
        // Forget gates start mostly open (σ(3..6) = 0.95..0.998): long memory from the first step.
        fgateBias = addParameter(param("fgate_bias", Parameter.Type.BIAS, new Shape(heads),
                (manager, shape, dataType) -> manager.linspace(3f, 6f, (int) shape.get(0)).toType(dataType, false)));
        outNormWeight = addParameter(param("outnorm_weight", Parameter.Type.GAMMA, new Shape(inner),
                Initializer.ZEROS));
        skip = addParameter(param("skip", Parameter.Type.WEIGHT, new Shape(inner), new ConstantInitializer(1f)));
        downWeight = addParameter(param("down_weight", Parameter.Type.WEIGHT, new Shape(dim, inner),
                new NormalInitializer((float) wangStd)));
    }

    private static Parameter param(String name, Parameter.Type type, Shape shape, Initializer init) {
        return Parameter.builder().setName(name).setType(type).optShape(shape).optInitializer(init).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape shape = x.getShape();
        if (shape.dimension() != 3 || shape.get(2) != dim) {
            throw new IllegalArgumentException("ViLBlock(" + dim + ") expects (B, L, " + dim + "), got " + shape);
        }
        long batch = shape.get(0);
        long length = shape.get(1);

        NDArray normed = OffsetWeightNorm.layerNorm(x, MixedPrecision.value(ps, normWeight, x, training));
        NDList branches = Linear.linear(normed, MixedPrecision.value(ps, upWeight, x, training)).singletonOrThrow()
                .split(2, 2);
        NDArray xm = branches.get(0);
        NDArray z = branches.get(1);
        NDArray c = CausalConvSilu.apply(xm, MixedPrecision.value(ps, conv.weight(), x, training),
                MixedPrecision.value(ps, conv.bias(), x, training), CONV_KERNEL);
        NDArray q = qProj.forward(ps, new NDList(c), training).singletonOrThrow();
        NDArray k = kProj.forward(ps, new NDList(c), training).singletonOrThrow();
        NDArray v = vProj.forward(ps, new NDList(xm), training).singletonOrThrow();

        NDArray gateIn = NDArrays.concat(new NDList(q, k, v), 2);
        NDArray igate = Linear.linear(gateIn, MixedPrecision.value(ps, igateWeight, x, training),
                MixedPrecision.value(ps, igateBias, x, training)).singletonOrThrow().transpose(0, 2, 1); // (B, NH, L)
        NDArray fgate = Linear.linear(gateIn, MixedPrecision.value(ps, fgateWeight, x, training),
                MixedPrecision.value(ps, fgateBias, x, training)).singletonOrThrow().transpose(0, 2, 1);

        NDArray h = MlstmCell.apply(toHeads(q), toHeads(k), toHeads(v), igate, fgate, parallelMaxLength, chunkSize);
        h = OffsetWeightNorm.headNorm(h, MixedPrecision.value(ps, outNormWeight, x, training))
                .transpose(0, 2, 1, 3).reshape(batch, length, inner);

        NDArray gated = h.add(c.mul(MixedPrecision.value(ps, skip, x, training))).mul(Functions.silu(z));
        NDArray out = Linear.linear(gated, MixedPrecision.value(ps, downWeight, x, training)).singletonOrThrow();
        return new NDList(x.add(out));
    }

    /** (B, L, E) → (B, NH, L, dh), head-major features as in ViL's view(B, S, NH, dh). */
    private NDArray toHeads(NDArray a) {
        Shape s = a.getShape();
        return a.reshape(s.get(0), s.get(1), heads, inner / heads).transpose(0, 2, 1, 3);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] { inputShapes[0] };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape innerShape = new Shape(inputShapes[0].get(0), inputShapes[0].get(1), inner);
        conv.initialize(manager, dataType, innerShape);
        qProj.initialize(manager, dataType, innerShape);
        kProj.initialize(manager, dataType, innerShape);
        vProj.initialize(manager, dataType, innerShape);
    }

    /** Model width D. */
    public int dim() {
        return dim;
    }

    /** Block size b of the q/k/v projections, which is also the number of mLSTM heads. */
    public int blockSize() {
        return blockSize;
    }

    public int heads() {
        return heads;
    }

    /** Parameter count: 6D² + 87D + 8 for b = 4, 6D² + 51D + 4 for b = 2. */
    public static long parameterCount(int dim) {
        long d = dim;
        int b = dim % 4 == 0 ? 4 : 2;
        long e = 2 * d;
        // LN, W_up, q/k/v, conv weight+bias, two gates, out norm, skip, W_down
        return d + 2 * e * d + 3 * e * b + e * CONV_KERNEL + e + 2 * (b * 3 * e + b) + e + e + d * e;
    }

    /** Builder in DJL style. */
    public static final class Builder {
        private int dim;
        private int parallelMaxLength = MlstmCell.PARALLEL_MAX_LENGTH;
        private int chunkSize = MlstmCell.DEFAULT_CHUNK;

        Builder() {
        }

        /** Model width D (required, even: E = 2D must split into b = 2 blocks at least). */
        public Builder setDim(int dim) {
            this.dim = dim;
            return this;
        }

        /** Sequences longer than this use the chunkwise mLSTM ({@link MlstmCell#PARALLEL_MAX_LENGTH} by default). */
        public Builder optParallelMaxLength(int parallelMaxLength) {
            this.parallelMaxLength = parallelMaxLength;
            return this;
        }

        /** Chunk size of the chunkwise mLSTM ({@link MlstmCell#DEFAULT_CHUNK} by default). */
        public Builder optChunkSize(int chunkSize) {
            this.chunkSize = chunkSize;
            return this;
        }

        public ViLBlock build() {
            if (dim < 1) {
                throw new IllegalArgumentException("ViLBlock needs a positive dim, got " + dim);
            }
            if (chunkSize < 1) {
                throw new IllegalArgumentException("chunk size must be positive: " + chunkSize);
            }
            return new ViLBlock(this);
        }
    }
}
