package io.medseg.nn.mlstm;

import ai.djl.ndarray.NDArray;

/**
 * The normalisations of ViL v1: no bias, and a weight stored as w and applied as (1 + w), so that w = 0 at init is
 * the identity scale and weight decay pulls towards it. DJL has no bias-free LayerNorm and no GroupNorm, so both are
 * composed from mean and biased variance, which is what PyTorch's layer_norm and group_norm compute.
 */
public final class OffsetWeightNorm {
    /** PyTorch's default, used by every ViL norm. */
    public static final double EPS = 1e-5;

    private OffsetWeightNorm() {
    }

    /** LayerNorm over the last axis of x (..., D) with weight (1 + w), w of shape (D). */
    public static NDArray layerNorm(NDArray x, NDArray w) {
        return standardiseLastAxis(x).mul(w.add(1));
    }

    /**
     * ViL's per-head output norm: GroupNorm with NH groups over the E = NH·dh features of each token, which is a
     * LayerNorm over dh within each head. Input h (B, NH, S, dh), weight w (E) laid out head-major as in the (B, S, E)
     * view; output (B, NH, S, dh).
     */
    public static NDArray headNorm(NDArray h, NDArray w) {
        long heads = h.getShape().get(1);
        long headDim = h.getShape().get(3);
        return standardiseLastAxis(h).mul(w.add(1).reshape(heads, 1, headDim));
    }

    private static NDArray standardiseLastAxis(NDArray x) {
        int last = x.getShape().dimension() - 1;
        NDArray centred = x.sub(x.mean(new int[] { last }, true));
        NDArray variance = centred.square().mean(new int[] { last }, true);
        return centred.div(variance.add(EPS).sqrt());
    }
}
