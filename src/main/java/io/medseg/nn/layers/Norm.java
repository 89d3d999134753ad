package io.medseg.nn.layers;

import io.medseg.nn.MixedPrecision;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * Normalisations DJL has no block for, on PyTorch's fused layer_norm (biased variance, as PyTorch normalises):
 * <ul>
 * <li>{@link #groupNorm}: GroupNorm(G, C) on (B, C, *S), γ = 1, β = 0 (LightM-UNet uses G = 8);</li>
 * <li>{@link #instanceNorm}: InstanceNorm(C, affine) = GroupNorm(C, C) (nnU-Net's backbone);</li>
 * <li>{@link #layerNorm}: LayerNorm over the last axis of (…, C), with or without bias.</li>
 * </ul>
 * All with eps 1e-5. Statistics are computed in at least fp32.
 */
public final class Norm extends AbstractBlock {
    public static final float EPS = 1e-5f;

    private enum Kind {
        GROUP, LAYER
    }

    private final Kind kind;
    private final int groups;
    private final int channels;
    private final Parameter gamma;
    private final Parameter beta;

    private Norm(Kind kind, int groups, int channels, boolean bias) {
        this.kind = kind;
        this.groups = groups;
        this.channels = channels;
        gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA)
                .optShape(new Shape(channels)).optInitializer(new ConstantInitializer(1f)).build());
        beta = bias ? addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA)
                .optShape(new Shape(channels)).optInitializer(new ConstantInitializer(0f)).build()) : null;
    }

    /** GroupNorm(groups, channels) with affine γ, β, over (B, C, *S). */
    public static Norm groupNorm(int groups, int channels) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException(channels + " channels cannot form " + groups + " groups");
        }
        return new Norm(Kind.GROUP, groups, channels, true);
    }

    /** InstanceNorm(channels, affine=True) over (B, C, *S). */
    public static Norm instanceNorm(int channels) {
        return new Norm(Kind.GROUP, channels, channels, true);
    }

    /** LayerNorm(channels) over the last axis, with a bias or without. */
    public static Norm layerNorm(int channels, boolean bias) {
        return new Norm(Kind.LAYER, 1, channels, bias);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray input = inputs.singletonOrThrow();
        // statistics of 16-bit activations are computed in float32, as autocast runs normalisations
        boolean low = MixedPrecision.isLow(input.getDataType());
        NDArray x = low ? input.toType(DataType.FLOAT32, false) : input;
        NDArray g = MixedPrecision.value(ps, gamma, x, training);
        NDArray b = beta == null ? null : MixedPrecision.value(ps, beta, x, training);
        NDArray y = kind == Kind.LAYER ? layerNorm(x, g, b) : groupNorm(x, groups, g, b);
        return new NDList(low ? y.toType(input.getDataType(), false) : y);
    }

    /**
     * GroupNorm on (B, C, *S) with per-channel γ and β (β may be null). The statistics come from PyTorch's fused
     * layer_norm over each (batch, group) row of C/G·prod(S) values (its fused backward replaces about ten recorded
     * element-wise ops), then the per-channel affine.
     */
    public static NDArray groupNorm(NDArray x, int groups, NDArray gamma, NDArray beta) {
        Shape s = x.getShape();
        long row = s.size() / (s.get(0) * groups);
        NDArray normed = fusedLayerNorm(x.reshape(s.get(0), groups, row), null, null).reshape(s);
        long[] broadcast = new long[s.dimension()];
        java.util.Arrays.fill(broadcast, 1);
        broadcast[1] = s.get(1);
        Shape perChannel = new Shape(broadcast);
        NDArray y = normed.mul(gamma.reshape(perChannel));
        return beta == null ? y : y.add(beta.reshape(perChannel));
    }

    /** LayerNorm over the last axis with γ and optional β. */
    public static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta) {
        return fusedLayerNorm(x, gamma, beta);
    }

    /**
     * PyTorch's layer_norm over the last axis (biased variance, eps {@link #EPS}); a null γ means 1 and a null β 0.
     * The constants stand in for PyTorch's optional arguments, which DJL's binding does not accept as null.
     */
    private static NDArray fusedLayerNorm(NDArray x, NDArray gamma, NDArray beta) {
        long width = x.getShape().get(x.getShape().dimension() - 1);
        NDManager m = x.getManager();
        NDArray g = gamma != null ? gamma : m.ones(new Shape(width), x.getDataType(), x.getDevice());
        NDArray b = beta != null ? beta : m.zeros(new Shape(width), x.getDataType(), x.getDevice());
        return x.getNDArrayInternal().layerNorm(x, new Shape(width), g, b, EPS).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] { inputShapes[0] };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // no children
    }

    public int channels() {
        return channels;
    }
}
