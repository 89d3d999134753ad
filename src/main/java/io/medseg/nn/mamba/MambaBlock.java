package io.medseg.nn.mamba;

import io.medseg.nn.MixedPrecision;
import ai.djl.ndarray.NDArray;
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
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;
import io.medseg.nn.CausalDepthwiseConv1d;
import io.medseg.nn.Functions;
import io.medseg.nn.checkpoint.CheckpointTape;

/**
 * The Mamba (v1) block exactly as {@code Mamba(d_model=C, d_state=16, d_conv=4, expand=2)} of mamba_ssm, which
 * LightM-UNet and U-Mamba instantiate: in-projection to (x, z), causal depthwise conv + SiLU, x-projection to
 * (δ, B, C), Δ = softplus(δ·W_dtᵀ + b_dt), the selective scan with A = -exp(A_log) and the D skip, the SiLU(z) gate and
 * the out-projection. E = 2C inner channels, R = ceil(C/16), N = 16 states. Parameters: 6C² + 4C·R + 110C.
 *
 * <p>Shapes: input and output (B, L, C), C-order tokens (see {@link io.medseg.nn.SequenceLayout}).
 *
 * <p>Initialisation as mamba_ssm: PyTorch's default U(±1/√fan_in) for the linear layers and the conv; dt_proj weight
 * U(±R^-½); dt bias = softplus⁻¹(dt) with dt log-uniform in [1e-3, 0.1] floored at 1e-4; A_log = ln(1..N) for every
 * channel; D = 1. Random draws come from the engine's seeded generator.
 *
 * <p>Memory in a training step. With checkpointing on (the default) the block is a checkpointed segment: between the
 * forward and backward passes it keeps nothing but its input and output, 2·B·L·C values. While it is recomputed in the
 * backward pass it holds about B·L·(9E + R + 2N) values for projections, conv, gates and Δ, plus the scan's one-block
 * working set (see {@link SelectiveScan}); never the B·L·E·N states of the whole sequence.
 */
public final class MambaBlock extends AbstractBlock {
    public static final int STATES = 16;
    public static final int CONV_KERNEL = 4;
    public static final int EXPAND = 2;

    private final int modelDim;
    private final int inner;
    private final int dtRank;
    private final boolean checkpoint;
    private final Parameter inProj;
    private final CausalDepthwiseConv1d conv;
    private final Parameter xProj;
    private final Parameter dtWeight;
    private final Parameter dtBias;
    private final Parameter aLog;
    private final Parameter d;
    private final Parameter outProj;

    private MambaBlock(Builder b) {
        modelDim = b.modelDim;
        inner = EXPAND * modelDim;
        dtRank = (modelDim + 15) / 16;
        checkpoint = b.checkpoint;
        inProj = weight("in_proj", new Shape(2L * inner, modelDim), torchDefault(modelDim));
        conv = addChildBlock("conv1d", new CausalDepthwiseConv1d(inner, CONV_KERNEL));
        xProj = weight("x_proj", new Shape(dtRank + 2L * STATES, inner), torchDefault(inner));
        dtWeight = weight("dt_proj_weight", new Shape(inner, dtRank), new UniformInitializer((float) Math.pow(dtRank, -0.5)));
        dtBias = addParameter(Parameter.builder().setName("dt_proj_bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(inner)).optInitializer(MambaBlock::initDtBias).build());
        aLog = weight("A_log", new Shape(inner, STATES), MambaBlock::initALog);
        d = weight("D", new Shape(inner), new ConstantInitializer(1f));
        outProj = weight("out_proj", new Shape(modelDim, inner), torchDefault(inner));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link MambaBlock}. */
    public static final class Builder {
        private int modelDim;
        private boolean checkpoint = true;

        /** The model dimension C (token features). */
        public Builder setModelDim(int c) {
            this.modelDim = c;
            return this;
        }

        /** Whether a training step recomputes the block in backward instead of keeping its activations (default). */
        public Builder optCheckpoint(boolean on) {
            this.checkpoint = on;
            return this;
        }

        public MambaBlock build() {
            if (modelDim <= 0) {
                throw new IllegalArgumentException("model dimension must be positive, got " + modelDim);
            }
            return new MambaBlock(this);
        }
    }

    /** The exact parameter count 6C² + 4C·ceil(C/16) + 110C. */
    public static long parameterCount(long c) {
        return 6 * c * c + 4 * c * ((c + 15) / 16) + 110 * c;
    }

    private Parameter weight(String name, Shape shape, Initializer init) {
        return addParameter(Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(shape)
                .optInitializer(init).build());
    }

    private static Initializer torchDefault(int fanIn) {
        return new UniformInitializer((float) (1.0 / Math.sqrt(fanIn)));
    }

    /** dt = exp(U(ln 1e-3, ln 0.1)) floored at 1e-4, stored as its inverse softplus. */
    private static NDArray initDtBias(NDManager m, Shape shape, DataType type) {
        NDArray dt = m.randomUniform((float) Math.log(1e-3), (float) Math.log(0.1), shape, DataType.FLOAT64).exp()
                .maximum(1e-4);
        // x + log(-expm1(-x)); for dt ≥ 1e-4, 1 - exp(-dt) is far from cancellation trouble in float64
        return dt.add(dt.neg().exp().neg().add(1).log()).toType(type, false);
    }

    /** A_log[e, n] = ln(n + 1): S4D-real initialisation, the same for every channel. */
    private static NDArray initALog(NDManager m, Shape shape, DataType type) {
        return m.arange(1, (int) shape.get(1) + 1, 1, DataType.FLOAT64).log().broadcast(shape).toType(type, false)
                .duplicate();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (!checkpoint) {
            return new NDList(compute(ps, x, training));
        }
        return CheckpointTape.checkpoint(in -> new NDList(compute(ps, in.singletonOrThrow(), training)), new NDList(x),
                Float.BYTES * x.getShape().size() / modelDim * graphFloatsPerToken(modelDim));
    }

    /**
     * Values per token that autograd keeps for the block's backward pass, computed in fp32 whatever the input type:
     * x and z (2E), the padded and the convolved x (2E), SiLU's sigmoid and product (2E), δ, B and C (R + 2N), Δ before
     * and after softplus (2E), y (E), the gate's sigmoid and product (2E), y·gate (E) and the output (C); and the CPU
     * scan's states kept every {@link StateLoops#SUB} tokens (E·N/SUB).
     */
    public static long graphFloatsPerToken(long c) {
        long e = EXPAND * c;
        return 12 * e + c + (c + 15) / 16 + 2L * STATES + e * STATES / StateLoops.SUB;
    }

    private NDArray compute(ParameterStore ps, NDArray input, boolean training) {
        // The scan runs in fp32 whatever the surrounding precision, as mamba_ssm, U-Mamba and LightM-UNet do: in fp16
        // the products of decays underflow and the scan turns to NaN after some epochs.
        DataType type = input.getDataType();
        boolean lowPrecision = MixedPrecision.isLow(type);
        NDArray x = lowPrecision ? input.toType(DataType.FLOAT32, false) : input;
        // The projections' outputs are split by slicing the WEIGHTS (x/z rows of in_proj, δ/B/C rows of x_proj), not
        // the (B, L, ·) activations: a sliced activation's backward allocates and zero-fills a full-size gradient per
        // slice, which cost a LightM-UNet training step over a second on the CPU; a weight slice's is tiny. torch's
        // linear instead of x·Wᵀ: a transpose of a parameter would be created in the parameters' manager.
        NDArray inW = MixedPrecision.value(ps, inProj, x, training);
        NDArray xm = Linear.linear(x, rows(inW, 0, inner, x)).singletonOrThrow(); // (B, L, E)
        NDArray z = Linear.linear(x, rows(inW, inner, 2L * inner, x)).singletonOrThrow(); // (B, L, E)
        NDArray u = CausalConvSilu.apply(xm, MixedPrecision.value(ps, conv.weight(), x, training),
                MixedPrecision.value(ps, conv.bias(), x, training), CONV_KERNEL);
        NDArray xW = MixedPrecision.value(ps, xProj, x, training);
        NDArray dtLow = Linear.linear(u, rows(xW, 0, dtRank, x)).singletonOrThrow(); // (B, L, R)
        NDArray bSel = Linear.linear(u, rows(xW, dtRank, dtRank + STATES, x)).singletonOrThrow(); // (B, L, N)
        NDArray cSel = Linear.linear(u, rows(xW, dtRank + STATES, dtRank + 2L * STATES, x)).singletonOrThrow();
        NDArray delta = Functions.softplus(Linear.linear(dtLow, MixedPrecision.value(ps, dtWeight, x, training),
                MixedPrecision.value(ps, dtBias, x, training)).singletonOrThrow());
        NDArray expALog = MixedPrecision.value(ps, aLog, x, training).exp();
        expALog.attach(x.getManager()); // a per-step temporary, not a parameter: it belongs with the activations
        NDArray a = expALog.neg();
        NDArray y = SelectiveScan.scan(u, delta, a, bSel, cSel, MixedPrecision.value(ps, d, x, training));
        NDArray out = Linear.linear(y.mul(Functions.silu(z)), MixedPrecision.value(ps, outProj, x, training)).singletonOrThrow();
        return lowPrecision ? out.toType(type, false) : out;
    }

    /**
     * Rows [from, to) of a weight matrix, owned by the activations' manager: a per-step view, not a parameter (left
     * with the parameter's manager it would outlive every step).
     */
    private static NDArray rows(NDArray weight, long from, long to, NDArray activations) {
        NDArray r = weight.get("{}:{}", from, to);
        r.attach(activations.getManager());
        return r;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] { inputShapes[0] };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape tokens = inputShapes[0];
        conv.initialize(manager, dataType, new Shape(tokens.get(0), tokens.get(1), inner));
    }

    public int modelDim() {
        return modelDim;
    }
}
