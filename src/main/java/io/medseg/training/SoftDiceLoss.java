package io.medseg.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * nnU-Net's MemoryEfficientSoftDiceLoss with apply_nonlin = softmax over channels, do_bg = False, smooth = 1e-5:
 * per sample and foreground class (or, with batch Dice, per class summed over the batch),
 * dc = (2·I + smooth) / max(G + P + smooth, 1e-8) with I = Σ p·y, P = Σ p, G = Σ y over every voxel (no loss mask: a
 * dataset without an ignore label, and the voxels outside the non-zero region are background targets), and the loss
 * is −mean(dc). Background is left out because it dominates the volume and would keep the loss
 * near its optimum however the small structures are segmented.
 */
public final class SoftDiceLoss {
    /** nnU-Net's smoothing term for the Dice loss (DC_and_CE_loss is built with smooth 1e-5). */
    public static final double SMOOTH = 1e-5;

    private final boolean batchDice;
    private final double smooth;

    public SoftDiceLoss(boolean batchDice) {
        this(batchDice, SMOOTH);
    }

    public SoftDiceLoss(boolean batchDice, double smooth) {
        this.batchDice = batchDice;
        this.smooth = smooth;
    }

    /** Scalar loss −mean(dc) for logits (B, K, *S) and labels (B, *S), K ≥ 2. */
    public NDArray apply(NDArray logits, NDArray labels) {
        int classes = (int) logits.getShape().get(1);
        if (classes < 2) {
            throw new IllegalArgumentException("soft Dice without background needs at least 2 classes");
        }
        int dims = logits.getShape().dimension();
        int[] axes = new int[dims - 2];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 2;
        }
        NDIndex foreground = new NDIndex().addAllDim().addSliceDim(1, classes);
        NDArray y = Labels.oneHot(labels, classes, logits.getDataType()).get(foreground);
        NDArray p = logits.softmax(1).get(foreground);
        NDArray intersect = p.mul(y).sum(axes); // (B, K-1)
        NDArray sumPred = p.sum(axes);
        NDArray sumGt = y.sum(axes);
        if (batchDice) {
            intersect = intersect.sum(new int[] { 0 });
            sumPred = sumPred.sum(new int[] { 0 });
            sumGt = sumGt.sum(new int[] { 0 });
        }
        NDArray s = Constants.scalar(logits, smooth);
        NDArray numerator = intersect.mul(Constants.scalar(logits, 2)).add(s);
        NDArray denominator = sumGt.add(sumPred).add(s).maximum(Constants.scalar(logits, 1e-8));
        return numerator.div(denominator).mean().neg();
    }
}
