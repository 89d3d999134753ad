package io.medseg.nn.checkpoint;

import java.util.List;

import ai.djl.ndarray.NDArray;

/**
 * What one backward pass starts from when gradients g_i are to flow from several tensors x_i at once (a segment's
 * inputs or outputs): the tensor and its gradient for a single pair, and otherwise the scalar Σ_i ⟨x_i, g_i⟩ seeded
 * with 1, whose gradient with respect to each x_i is exactly g_i. One pass through that scalar traverses the graph the
 * x_i share once instead of once per tensor. The inner products are dot products of the flattened tensors, not
 * {@code x.mul(g).sum()}: that would materialise a full-size product in the forward and another in its backward, per
 * tensor and per segment, which at long sequences costs more in fresh memory than the gradients themselves.
 *
 * @param target the tensor the backward pass starts from
 * @param gradient its gradient (same shape)
 */
record GradientSeed(NDArray target, NDArray gradient) {
    /**
     * The seed for tensors and their gradients (a null gradient: nothing flows from that tensor), or null when no
     * gradient flows at all.
     */
    static GradientSeed of(List<NDArray> tensors, List<NDArray> gradients) {
        NDArray single = null;
        NDArray singleGradient = null;
        NDArray sum = null;
        int pairs = 0;
        for (int i = 0; i < tensors.size(); i++) {
            NDArray g = i < gradients.size() ? gradients.get(i) : null;
            if (g == null) {
                continue;
            }
            NDArray x = tensors.get(i);
            if (pairs++ == 0) {
                single = x;
                singleGradient = g;
                continue;
            }
            if (sum == null) {
                sum = inner(single, singleGradient);
            }
            sum = sum.add(inner(x, g));
        }
        if (pairs == 0) {
            return null;
        }
        return pairs == 1 ? new GradientSeed(single, singleGradient) : new GradientSeed(sum, sum.onesLike());
    }

    private static NDArray inner(NDArray x, NDArray g) {
        return x.reshape(-1).dot(g.reshape(-1));
    }
}
