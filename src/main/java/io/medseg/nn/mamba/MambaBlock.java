package io.medseg.nn.mamba;

import io.medseg.nn.MixedPrecision;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
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
 *
 * <p>Long sequences on the CPU. A sequence of more than {@code partTokens} tokens (by default the CPU scan's block,
 * 16,384; LightM-UNet's first level at 64³ has 262,144) runs in parts ({@link #partStarts}): per part the
 * projections, the gate and the scan, the scan continued from the previous part's state
 * ({@link SelectiveScan#scanFrom}); the causal convolution's CPU kernel takes and returns the parts
 * ({@link CausalConvSilu#applyParts}). The result is the whole sequence's. A part's (B, T, E) tensors take 4 MB where
 * the whole sequence's took 64 MB: glibc maps every allocation over 32 MB afresh and the kernel clears its pages (a
 * third of a 64³ LightM-UNet training step went to clearing pages), and small ones stay in cache. Separate arrays,
 * not slices of one, because each part's scan pushes its input gradients on its own: into a slice, each push would
 * build a gradient of the whole sequence. {@link #forwardParts} takes and returns the parts, so that a caller can keep
 * its own work around the block in parts too (LightM-UNet's RVM layer does). Measured on a 2-core AVX-512 Xeon
 * (alternating runs, median of 3 steps), LightM-UNet's 64³ training step took 11.7 s against 16.3-16.9 s in one
 * piece; the process's largest resident size stayed at about 9 GB (the parts' memory is reused from glibc's heap
 * instead of mapped per operation). In inference each part's intermediates are freed when the part ends.
 */
public final class MambaBlock extends AbstractBlock {
    public static final int STATES = 16;
    public static final int CONV_KERNEL = 4;
    public static final int EXPAND = 2;
    /** Tokens per part of a longer sequence on the CPU: the CPU scan's block (see the class comment). */
    public static final int DEFAULT_PART_TOKENS = SelectiveScan.CPU_BLOCK_TOKENS;

    private final int modelDim;
    private final int inner;
    private final int dtRank;
    private final boolean checkpoint;
    private final int partTokens;
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
        partTokens = b.partTokens;
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
        private int partTokens = DEFAULT_PART_TOKENS;

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

        /**
         * Tokens per part of a longer sequence on the CPU (default {@link #DEFAULT_PART_TOKENS}): see the class
         * comment.
         */
        public Builder optPartTokens(int tokens) {
            this.partTokens = tokens;
            return this;
        }

        public MambaBlock build() {
            if (modelDim <= 0) {
                throw new IllegalArgumentException("model dimension must be positive, got " + modelDim);
            }
            if (partTokens < 1) {
                throw new IllegalArgumentException("parts must hold at least one token, got " + partTokens);
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
        long[] starts = partStarts(x);
        NDList outputs = mixParts(new Weights(ps, x, training), starts.length == 0 ? new NDList(x) : x.split(starts, 1));
        NDArray out = outputs.size() == 1 ? outputs.get(0) : NDArrays.concat(outputs, 1);
        return lowPrecision ? out.toType(type, false) : out;
    }

    /**
     * The block (without its own checkpoint) on a sequence given as consecutive parts (B, T_k, C) along L, in
     * float32 or float64, as the parts of its output: for a caller that keeps the sequence in parts around the block
     * (see {@link #partStarts}), so that no array of the whole sequence is made.
     */
    public NDList forwardParts(ParameterStore ps, NDList parts, boolean training) {
        return mixParts(new Weights(ps, parts.get(0), training), parts);
    }

    /**
     * Where tokens (B, L, C) are cut into parts after the first: on the CPU every {@link #partTokens} tokens (none for
     * a sequence of at most that many); none on a GPU.
     */
    public long[] partStarts(NDArray tokens) {
        long length = tokens.getShape().get(1);
        long[] starts = new long[tokens.getDevice().isGpu() ? 0 : (int) ((length - 1) / partTokens)];
        for (int k = 0; k < starts.length; k++) {
            starts[k] = (k + 1L) * partTokens;
        }
        return starts;
    }

    /** The block on the sequence's parts: projections per part, the convolution over all, the rest per part. */
    private NDList mixParts(Weights w, NDList xs) {
        NDList xms = new NDList(xs.size());
        NDList zs = new NDList(xs.size());
        for (NDArray x : xs) {
            xms.add(Linear.linear(x, w.inX).singletonOrThrow()); // (B, T, E)
            zs.add(Linear.linear(x, w.inZ).singletonOrThrow()); // (B, T, E)
        }
        NDList us = CausalConvSilu.applyParts(xms, w.convWeight, w.convBias, CONV_KERNEL);
        NDList outputs = new NDList(xs.size());
        NDArray state = null;
        for (int k = 0; k < xs.size(); k++) {
            Mixed m = mixPart(w, us.get(k), zs.get(k), state);
            outputs.add(m.output);
            state = m.state;
        }
        return outputs;
    }

    /** {@link #mix} of one part; in inference in its own scope, so that a part's intermediates go when it ends. */
    private Mixed mixPart(Weights w, NDArray u, NDArray z, NDArray state) {
        // not in a checkpointed segment's unrecorded forward either, which keeps the scans' results for its replay
        if (JniUtils.isGradMode() || CheckpointTape.isKeeping(u)) {
            return mix(w, u, z, state);
        }
        Mixed m;
        try (NDScope scope = new NDScope()) {
            m = mix(w, u, z, state);
            NDScope.unregister(m.output, m.state);
        }
        NDScope.register(m.output);
        NDScope.register(m.state);
        return m;
    }

    /** A part's output and the scan's state after it. */
    private record Mixed(NDArray output, NDArray state) {
    }

    /** The block's parameters as one forward pass uses them: cast, sliced, A = −exp(A_log). */
    private final class Weights {
        final NDArray inX;
        final NDArray inZ;
        final NDArray convWeight;
        final NDArray convBias;
        final NDArray toDt;
        final NDArray toB;
        final NDArray toC;
        final NDArray dtWeight;
        final NDArray dtBias;
        final NDArray a;
        final NDArray d;
        final NDArray out;

        Weights(ParameterStore ps, NDArray x, boolean training) {
            // The projections' outputs are split by slicing the WEIGHTS (x/z rows of in_proj, δ/B/C rows of x_proj),
            // not the (B, L, ·) activations: a sliced activation's backward allocates and zero-fills a full-size
            // gradient per slice, which cost a LightM-UNet training step over a second on the CPU; a weight slice's
            // is tiny. torch's linear instead of x·Wᵀ: a transpose of a parameter would be created in the
            // parameters' manager.
            NDArray inW = MixedPrecision.value(ps, inProj, x, training);
            inX = rows(inW, 0, inner, x);
            inZ = rows(inW, inner, 2L * inner, x);
            convWeight = MixedPrecision.value(ps, conv.weight(), x, training);
            convBias = MixedPrecision.value(ps, conv.bias(), x, training);
            NDArray xW = MixedPrecision.value(ps, xProj, x, training);
            toDt = rows(xW, 0, dtRank, x);
            toB = rows(xW, dtRank, dtRank + STATES, x);
            toC = rows(xW, dtRank + STATES, dtRank + 2L * STATES, x);
            dtWeight = MixedPrecision.value(ps, MambaBlock.this.dtWeight, x, training);
            dtBias = MixedPrecision.value(ps, MambaBlock.this.dtBias, x, training);
            NDArray expALog = MixedPrecision.value(ps, aLog, x, training).exp();
            expALog.attach(x.getManager()); // a per-step temporary, not a parameter: it belongs with the activations
            a = expALog.neg();
            d = MixedPrecision.value(ps, MambaBlock.this.d, x, training);
            out = MixedPrecision.value(ps, outProj, x, training);
        }
    }

    /**
     * The block after its convolution, on u = silu(conv(x)) and the gate's z (B, T, E) of a whole sequence (state
     * null) or of a part of one, continued from the scan's state after the previous part.
     */
    private Mixed mix(Weights w, NDArray u, NDArray z, NDArray state) {
        NDArray dtLow = Linear.linear(u, w.toDt).singletonOrThrow(); // (B, T, R)
        NDArray bSel = Linear.linear(u, w.toB).singletonOrThrow(); // (B, T, N)
        NDArray cSel = Linear.linear(u, w.toC).singletonOrThrow();
        NDArray delta = Functions.softplus(Linear.linear(dtLow, w.dtWeight, w.dtBias).singletonOrThrow());
        NDList scanned = SelectiveScan.scanFrom(u, delta, w.a, bSel, cSel, w.d, state);
        // The gate stays tensor work. Fused into the CPU scan (mamba_ssm's selective_scan_fn with z) it was faster on
        // the scan alone but no faster in a 128² LightM-UNet training step and slower at 64³ (2-core Xeon, alternating
        // runs): copying z into the kernel twice and its gradient out, and pushing that gradient back through the
        // tape as one more segment input, cost about what the gate's own tensor operations cost.
        NDArray out = Linear.linear(scanned.get(0).mul(Functions.silu(z)), w.out).singletonOrThrow();
        return new Mixed(out, scanned.get(1));
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
