package io.medseg.nn.checkpoint;

import java.util.ArrayList;
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
        List<NDArray> xs = new ArrayList<>();
        List<NDArray> gs = new ArrayList<>();
        for (int i = 0; i < Math.min(tensors.size(), gradients.size()); i++) {
            if (gradients.get(i) != null) {
                xs.add(tensors.get(i));
                gs.add(gradients.get(i));
            }
        }
        if (xs.size() <= 1) {
            return xs.isEmpty() ? null : new GradientSeed(xs.get(0), gs.get(0));
        }
        NDArray sum = inner(xs.get(0), gs.get(0));
        for (int i = 1; i < xs.size(); i++) {
            sum = sum.add(inner(xs.get(i), gs.get(i)));
        }
        return new GradientSeed(sum, sum.onesLike());
    }

    private static NDArray inner(NDArray x, NDArray g) {
        return x.reshape(-1).dot(g.reshape(-1));
    }
}
