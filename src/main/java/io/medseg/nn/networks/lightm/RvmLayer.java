package io.medseg.nn.networks.lightm;

import io.medseg.nn.MixedPrecision;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import io.medseg.nn.SequenceLayout;
import io.medseg.nn.checkpoint.CheckpointTape;
import io.medseg.nn.layers.Linear;
import io.medseg.nn.layers.Norm;
import io.medseg.nn.mamba.MambaBlock;
import io.medseg.nn.mamba.TokenMaxPool;

/**
 * LightM-UNet's residual vision Mamba layer ({@code MambaLayer} in the released code), Cin→Cout:
 *
 * <pre>
 *   x  = tokens(X)                  (B, L, Cin), C-order: the last spatial axis varies fastest
 *   r  = Mamba(LN(x)) + s·x         s a learnable scalar, init 1, on the UN-normalised x
 *   o  = Linear(LN(r))              the SAME LayerNorm (one γ, β) as above; Linear Cin→Cout with bias
 *   Y  = map(o)                     (B, Cout, *S)
 * </pre>
 *
 * <p>Shapes: (B, Cin, *S) → (B, Cout, *S) with L = prod(S). Parameters: Mamba(Cin) + 2Cin + 1 + Cin·Cout + Cout.
 *
 * <p>Precision: fp16/bf16 inputs are computed in fp32 (the reference casts fp16 up) and the result is cast back to
 * the input type, because DJL has no autocast to reconcile mixed types downstream.
 *
 * <p>Memory: with checkpointing on (the default) the whole layer is one {@link CheckpointTape} segment: a training
 * step keeps only its input and output between the forward and backward passes, and recomputes the layer norms, the
 * Mamba block and the projection when the backward pass reaches it; on the CPU the tape keeps the layer's graph
 * instead while its budget allows (the Mamba block's activations plus the two norms, the skip, the sum and the
 * projection: 4·Cin + 2·Cout values per token), which spares the recomputation. The inner Mamba block is then built
 * without its own checkpoint: nesting would run its forward a third time to save only this layer's transient working
 * set. Measured on the 2-core CPU, one training step of RVM(32→32) at L = 4,096 took 258–360 ms unnested and
 * 350–386 ms nested.
 *
 * <p>Long sequences on the CPU (more tokens than the Mamba block's part length, see {@link MambaBlock}) stay in the
 * block's parts from the tokens to the projection: the norms, the skip and the projection run per part too, so no
 * (B, L, ·) array of the whole sequence is made between the tokens and the projected output.
 */
public final class RvmLayer extends AbstractBlock {
    private final int in;
    private final int out;
    private final boolean checkpoint;
    private final boolean maxPool;
    private final Norm norm;
    private final MambaBlock mamba;
    private final Parameter skipScale;
    private final Linear proj;

    private RvmLayer(Builder b) {
        in = b.in;
        out = b.out;
        checkpoint = b.checkpoint;
        maxPool = b.maxPool;
        norm = addChildBlock("norm", Norm.layerNorm(in, true));
        mamba = addChildBlock("mamba", MambaBlock.builder().setModelDim(in).optCheckpoint(b.nestedMambaCheckpoint)
                .optPartTokens(b.partTokens).build());
        skipScale = addParameter(Parameter.builder().setName("skip_scale").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(1)).optInitializer(new ConstantInitializer(1f)).build());
        proj = addChildBlock("proj", new Linear(in, out, true));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link RvmLayer}. */
    public static final class Builder {
        private int in;
        private int out;
        private boolean checkpoint = true;
        private boolean nestedMambaCheckpoint;
        private boolean maxPool;
        private int partTokens = MambaBlock.DEFAULT_PART_TOKENS;

        public Builder setChannels(int inChannels, int outChannels) {
            in = inChannels;
            out = outChannels;
            return this;
        }

        /** Whether the layer is one checkpointed segment in a training step (default true). */
        public Builder optCheckpoint(boolean on) {
            checkpoint = on;
            return this;
        }

        /**
         * Whether the inner Mamba block checkpoints itself as well (default false). Only useful to measure the cost of
         * nesting; see the class comment.
         */
        public Builder optNestedMambaCheckpoint(boolean on) {
            nestedMambaCheckpoint = on;
            return this;
        }

        /**
         * Whether the layer ends with the max-pool by 2 that follows it in a downsampling encoder stage (default
         * false): pooled while the values are still tokens ({@link TokenMaxPool}), so the output is the pooled map.
         */
        public Builder optMaxPool(boolean on) {
            maxPool = on;
            return this;
        }

        /** Tokens per part of a long sequence on the CPU ({@link MambaBlock.Builder#optPartTokens}). */
        public Builder optPartTokens(int tokens) {
            partTokens = tokens;
            return this;
        }

        public RvmLayer build() {
            if (in <= 0 || out <= 0) {
                throw new IllegalArgumentException("RVM channels must be positive, got " + in + "->" + out);
            }
            return new RvmLayer(this);
        }
    }

    /** The exact parameter count Mamba(Cin) + 2Cin + 1 + Cin·Cout + Cout. */
    public static long parameterCount(long cin, long cout) {
        return MambaBlock.parameterCount(cin) + 2 * cin + 1 + cin * cout + cout;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (x.getShape().get(1) != in) {
            throw new IllegalArgumentException("RVM layer expects " + in + " channels, got shape " + x.getShape());
        }
        if (!checkpoint) {
            return new NDList(compute(ps, x, training));
        }
        long tokens = x.getShape().size() / in;
        return CheckpointTape.checkpoint(seg -> new NDList(compute(ps, seg.singletonOrThrow(), training)), inputs,
                Float.BYTES * tokens * (MambaBlock.graphFloatsPerToken(in) + 4L * in + 2L * out));
    }

    private NDArray compute(ParameterStore ps, NDArray map, boolean training) {
        DataType type = map.getDataType();
        boolean lowPrecision = type == DataType.FLOAT16 || type == DataType.BFLOAT16;
        NDArray input = lowPrecision ? map.toType(DataType.FLOAT32, false) : map;
        Shape spatial = SequenceLayout.spatialShape(input.getShape());
        NDArray tokens = SequenceLayout.toPatchTokens(input);
        NDArray skip = MixedPrecision.value(ps, skipScale, tokens, training);
        long[] starts = mamba.partStarts(tokens);
        NDArray projected;
        if (starts.length == 0) {
            NDArray mixed = mamba.forward(ps, norm.forward(ps, new NDList(tokens), training), training)
                    .singletonOrThrow();
            projected = project(ps, mixed, tokens, skip, training);
        } else {
            // a long sequence on the CPU: in the Mamba block's parts from the tokens on (see MambaBlock), so that
            // the norms, the skip and the projection make no arrays of the whole sequence either
            NDList parts = tokens.split(starts, 1);
            NDList normed = new NDList(parts.size());
            for (NDArray part : parts) {
                normed.add(norm.forward(ps, new NDList(part), training).singletonOrThrow());
            }
            NDList mixed = mamba.forwardParts(ps, normed, training);
            NDList projectedParts = new NDList(parts.size());
            for (int k = 0; k < parts.size(); k++) {
                projectedParts.add(project(ps, mixed.get(k), parts.get(k), skip, training));
            }
            projected = NDArrays.concat(projectedParts, 1);
        }
        NDArray result = maxPool ? TokenMaxPool.apply(projected, spatial)
                : SequenceLayout.fromPatchTokens(projected, spatial);
        return lowPrecision ? result.toType(type, false) : result;
    }

    /** Linear(LN(mixed + s·x)): the skip on the un-normalised tokens, then the shared norm and the projection. */
    private NDArray project(ParameterStore ps, NDArray mixed, NDArray x, NDArray skip, boolean training) {
        NDArray residual = mixed.add(x.mul(skip));
        return proj.forward(ps, norm.forward(ps, new NDList(residual), training), training).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        Shape spatial = s.slice(2);
        return new Shape[] { new Shape(s.get(0), out).addAll(maxPool ? TokenMaxPool.halved(spatial) : spatial) };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        Shape tokens = new Shape(s.get(0), s.slice(2).size(), in);
        norm.initialize(manager, dataType, tokens);
        mamba.initialize(manager, dataType, tokens);
        proj.initialize(manager, dataType, tokens);
    }

    public int inChannels() {
        return in;
    }

    public int outChannels() {
        return out;
    }

    /** The one LayerNorm applied both before the Mamba block and before the projection. */
    public Norm sharedNorm() {
        return norm;
    }
}
