package io.medseg.nn.networks;

import java.util.LinkedHashMap;
import java.util.Map;

import io.medseg.nn.mamba.MambaBlock;
import io.medseg.nn.mlstm.MlstmCell;
import io.medseg.nn.mlstm.ViLBlock;

/**
 * Counts parameters and compute of a network analytically, layer by layer, under two conventions at once, grouped by
 * named parts. Architectures describe their structure with one call per layer; nothing is built or run, so the counts
 * are available for any input size and for variants that exist only on paper.
 *
 * <p><b>True MACs</b> count every multiplication a forward pass performs, a multiply-add counting once; additions,
 * comparisons (ReLU, max-pooling) and transcendental functions (exp, softplus, sigmoid, square roots) are not counted.
 * Per layer:
 * <ul>
 * <li>convolution: output voxels · Cout · Cin/groups · k^d (the bias is an addition);</li>
 * <li>linear: tokens · in · out;</li>
 * <li>LayerNorm / GroupNorm: 3 per element (squared deviation, division by the deviation, γ);</li>
 * <li>×2 linear up-sampling, done separably axis by axis: 2 per output element of every axis pass;</li>
 * <li>a scalar-scaled skip: 1 per element;</li>
 * <li>Mamba(C), per token, with E = 2C, R = ceil(C/16), N = 16, K = 4: in_proj 2E·C, causal conv K·E, x_proj
 * E·(R + 2N), dt_proj R·E, out_proj E·C; the selective scan 4·E·N (Δ·A, (Δ·u)·B, the state update
 * h ← exp(ΔA)·h + (Δu)B as one multiply-add, the readout C·h as one multiply-add); and 5·E per-channel products
 * (SiLU(u) = u·σ(u), Δ·u, D·u, SiLU(z), the gate y·SiLU(z)).</li>
 * </ul>
 *
 * <p><b>thop MACs and parameters</b> follow {@link ThopConvention}: Mamba blocks and scalar parameters are invisible,
 * GroupNorm is counted as the convention says.
 */
public final class CostCounter {
    private final ThopConvention thop;
    private final Map<String, Cost> parts = new LinkedHashMap<>();
    private String part = "model";

    public CostCounter(ThopConvention thop) {
        this.thop = thop;
    }

    /** Makes the following layers count towards the part {@code name} (parts keep their first-use order). */
    public CostCounter part(String name) {
        part = name;
        return this;
    }

    private void add(long params, long macs, long thopParams, long thopMacs) {
        parts.merge(part, new Cost(params, macs, thopParams, thopMacs), Cost::plus);
    }

    /** A convolution with "same" padding producing {@code outVoxels} voxels per channel. */
    public void conv(int dims, long cin, long cout, long kernel, long groups, boolean bias, long outVoxels) {
        long kVolume = pow(kernel, dims);
        long params = cout * (cin / groups) * kVolume + (bias ? cout : 0);
        long macs = outVoxels * cout * (cin / groups) * kVolume;
        add(params, macs, params, outVoxels * cout * ((cin / groups) * kVolume + (bias ? 1 : 0)));
    }

    /** A convolution with a per-axis kernel (nnU-Net's anisotropic [1, 3, 3] stages). */
    public void conv(long cin, long cout, long[] kernel, boolean bias, long outVoxels) {
        long kVolume = product(kernel);
        long params = cout * cin * kVolume + (bias ? cout : 0);
        add(params, outVoxels * cout * cin * kVolume, params, outVoxels * cout * (cin * kVolume + (bias ? 1 : 0)));
    }

    /** An affine InstanceNorm of C channels over {@code voxels} voxels (a registered thop type). */
    public void instanceNorm(long c, long voxels) {
        long elements = c * voxels;
        add(2 * c, 3 * elements, 2 * c, ThopConvention.NORM_OPS_PER_ELEMENT * elements);
    }

    /** A LayerNorm that exists but is never called (xLSTM-UNet's wrapper norm): parameters only, unseen by thop. */
    public void unusedLayerNorm(long c) {
        add(2 * c, 0, 0, 0);
    }

    /** A linear layer applied to {@code tokens} tokens. */
    public void linear(long in, long out, boolean bias, long tokens) {
        long params = in * out + (bias ? out : 0);
        long macs = tokens * in * out;
        add(params, macs, params, macs);
    }

    /** An affine LayerNorm over C features of {@code tokens} tokens, applied {@code calls} times (one parameter set). */
    public void layerNorm(long c, long tokens, int calls) {
        long elements = c * tokens * calls;
        add(2 * c, 3 * elements, 2 * c, ThopConvention.NORM_OPS_PER_ELEMENT * elements);
    }

    /** An affine GroupNorm of C channels over {@code voxels} voxels. */
    public void groupNorm(long c, long voxels) {
        long elements = c * voxels;
        ThopConvention.GroupNormCount seen = thop.groupNorm();
        long thopParams = seen == ThopConvention.GroupNormCount.UNREGISTERED ? 0 : 2 * c;
        long thopOps = seen == ThopConvention.GroupNormCount.COUNTED ? ThopConvention.NORM_OPS_PER_ELEMENT * elements : 0;
        add(2 * c, 3 * elements, thopParams, thopOps);
    }

    /** ×2 linear up-sampling (bilinear in 2D, trilinear in 3D) of C channels from the spatial size {@code in}. */
    public void upsampleLinear2x(long c, long... in) {
        long macs = 0;
        long[] size = in.clone();
        for (int axis = 0; axis < size.length; axis++) {
            size[axis] *= 2;
            macs += 2 * c * product(size);
        }
        long outElements = c * product(size);
        long thopOps = in.length == 2 ? ThopConvention.BILINEAR_OPS_PER_ELEMENT * outElements : 0;
        add(0, macs, 0, thopOps);
    }

    /** A learnable scalar multiplying {@code elements} values (a scaled skip); invisible to thop. */
    public void scaledSkip(long elements) {
        add(1, elements, 0, 0);
    }

    /** Operations without multiplications or parameters (ReLU, max-pooling, additions). */
    public void free() {
        add(0, 0, 0, 0);
    }

    /** A Mamba(C) block on sequences of {@code tokens} tokens; invisible to thop (fused kernel, no hooks fire). */
    public void mamba(long c, long tokens) {
        add(MambaBlock.parameterCount(c), tokens * mambaMacsPerToken(c), 0, 0);
    }

    /** True MACs of one token through Mamba(C), as listed in the class comment. */
    public static long mambaMacsPerToken(long c) {
        long e = MambaBlock.EXPAND * c;
        long r = (c + 15) / 16;
        long n = MambaBlock.STATES;
        long projections = 2 * e * c + e * (r + 2 * n) + r * e + e * c;
        long conv = MambaBlock.CONV_KERNEL * e;
        long scan = 4 * e * n;
        long perChannel = 5 * e;
        return projections + conv + scan + perChannel;
    }

    /**
     * A ViL block (xLSTM-UNet) of dimension D on {@code tokens} tokens. True MACs per token with E = 2D, b = NH (4, or
     * 2 when D % 4 ≠ 0), dh = E/NH: LayerNorm 3D, up-projection 2E·D, causal conv 4E, SiLU E, block-diagonal q/k/v
     * 3E·b, gates 6E·NH, key scaling E, the cell, head norm 3E, skip, SiLU gate and product 3E, down-projection E·D.
     * The cell, per head and token: parallel form (S ≤ {@link MlstmCell#PARALLEL_MAX_LENGTH}) 2S·dh + 2S (q·kᵀ, C·v,
     * the decay product and row sum over all S columns); chunkwise form (chunk T) T·(2dh + 2) within the chunk plus
     * 2dh² + dh for the carried state. thop sees the nn.Linear projections and gates and the conv, not ViL's own norm
     * and head-wise layers or the cell.
     */
    public void vil(long d, long tokens) {
        long e = 2 * d;
        long heads = d % 4 == 0 ? 4 : 2;
        long dh = e / heads;
        long perToken = 3 * d + 2 * e * d + 4 * e + e + 3 * e * heads + 6 * e * heads + e + 3 * e + 3 * e + e * d;
        long cellPerTokenHead = tokens <= MlstmCell.PARALLEL_MAX_LENGTH ? 2 * tokens * dh + 2 * tokens
                : MlstmCell.DEFAULT_CHUNK * (2 * dh + 2) + 2 * dh * dh + dh;
        long macs = tokens * perToken + tokens * heads * cellPerTokenHead;
        long thopParams = 2 * e * d + e * d + 5 * e + 2 * (3 * e * heads + heads);
        long thopMacs = tokens * (d * 2 * e + e * d + e * 5 + 2 * 3 * e * heads);
        add(ViLBlock.parameterCount((int) d), macs, thopParams, thopMacs);
    }

    /** The totals and per-part costs so far, for an input of the given shape. */
    public ModelSummary summary(String model, long... inputShape) {
        Cost total = Cost.ZERO;
        for (Cost c : parts.values()) {
            total = total.plus(c);
        }
        return new ModelSummary(model, inputShape, total, parts);
    }

    static long pow(long base, int exp) {
        long r = 1;
        for (int i = 0; i < exp; i++) {
            r *= base;
        }
        return r;
    }

    static long product(long... v) {
        long r = 1;
        for (long x : v) {
            r *= x;
        }
        return r;
    }
}
