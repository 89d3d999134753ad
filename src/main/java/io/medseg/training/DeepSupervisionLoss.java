package io.medseg.training;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;

/**
 * Loss over several decoder heads (nnU-Net's DeepSupervisionWrapper): heads ordered from full resolution down; head i
 * weighs 1/2^i, the last (coarsest) head weighs 0, and the weights are normalised to sum 1 (nnUNetTrainer
 * _build_loss). The coarsest head gets no weight in nnU-Net because its output is too coarse to be a useful target.
 */
public final class DeepSupervisionLoss {
    private final SegmentationLoss loss;

    public DeepSupervisionLoss(SegmentationLoss loss) {
        this.loss = loss;
    }

    /** nnU-Net's weights for {@code heads} outputs; a single head gets weight 1. */
    public static double[] weights(int heads) {
        if (heads < 1) {
            throw new IllegalArgumentException("need at least one head");
        }
        if (heads == 1) {
            return new double[] { 1 };
        }
        double[] w = new double[heads];
        double sum = 0;
        for (int i = 0; i < heads - 1; i++) {
            w[i] = 1 / Math.pow(2, i);
            sum += w[i];
        }
        for (int i = 0; i < heads - 1; i++) {
            w[i] /= sum;
        }
        return w;
    }

    /** Weighted loss; full-resolution labels are downsampled to each head's spatial size by {@link #downsample}. */
    public NDArray apply(NDList heads, NDArray labels) {
        NDArray[] targets = new NDArray[heads.size()];
        for (int i = 0; i < heads.size(); i++) {
            targets[i] = downsample(labels, heads.get(i));
        }
        return apply(heads, List.of(targets));
    }

    /** Weighted loss with one label map per head, as nnU-Net's data loader supplies them. */
    public NDArray apply(NDList heads, List<NDArray> targets) {
        if (targets.size() != heads.size()) {
            throw new IllegalArgumentException(heads.size() + " heads but " + targets.size() + " targets");
        }
        double[] w = weights(heads.size());
        NDArray total = null;
        for (int i = 0; i < heads.size(); i++) {
            if (w[i] == 0) {
                continue; // nnU-Net skips zero-weight heads, saving their loss computation
            }
            NDArray term = loss.apply(heads.get(i), targets.get(i)).mul(Constants.scalar(heads.get(i), w[i]));
            total = total == null ? term : total.add(term);
        }
        return total;
    }

    /**
     * Nearest-neighbour downsampling of labels (B, *S) to the spatial size of {@code head} (B, K, *s), by integer
     * factors f = S/s: voxel j takes source j·f + ⌊f/2⌋, which is what PyTorch's interpolate(mode='nearest-exact')
     * picks (nnU-Net's DownsampleSegForDSTransform) for integer factors. Non-integer factors are rejected.
     */
    public static NDArray downsample(NDArray labels, NDArray head) {
        int spatial = labels.getShape().dimension() - 1;
        NDIndex index = new NDIndex().addAllDim();
        boolean same = true;
        for (int d = 0; d < spatial; d++) {
            long from = labels.getShape().get(d + 1);
            long to = head.getShape().get(d + 2);
            if (to <= 0 || from % to != 0) {
                throw new IllegalArgumentException("labels " + labels.getShape() + " do not reduce to head "
                        + head.getShape() + " by integer factors");
            }
            long f = from / to;
            same &= f == 1;
            index.addSliceDim(f / 2, from, f);
        }
        return same ? labels : labels.get(index);
    }
}
