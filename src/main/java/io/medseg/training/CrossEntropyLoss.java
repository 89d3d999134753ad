package io.medseg.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Pixel-wise cross-entropy as PyTorch's {@code nn.CrossEntropyLoss(weight, ignore_index=-1, reduction='mean')}, which
 * nnU-Net's RobustCrossEntropyLoss is: logits (B, K, *S), integer labels (B, *S). Voxels labelled {@link #IGNORE} do not
 * count; with class weights w the mean is Σ w_y·nll / Σ w_y over the counted voxels (PyTorch's weighted mean).
 */
public final class CrossEntropyLoss {
    /** The label of voxels excluded from the loss (nnU-Net's ignore label convention here). */
    public static final int IGNORE = -1;

    private final double[] classWeights;

    /** Unweighted cross-entropy. */
    public CrossEntropyLoss() {
        this(null);
    }

    /** @param classWeights one weight per class, or null for all 1 */
    public CrossEntropyLoss(double[] classWeights) {
        this.classWeights = classWeights == null ? null : classWeights.clone();
    }

    /** Scalar loss; 0 (still attached to the graph) when every voxel is ignored, as nnU-Net skips the term then. */
    public NDArray apply(NDArray logits, NDArray labels) {
        int classes = (int) logits.getShape().get(1);
        if (classWeights != null && classWeights.length != classes) {
            throw new IllegalArgumentException(classWeights.length + " class weights for " + classes + " classes");
        }
        NDArray mask = labels.neq(IGNORE).toType(logits.getDataType(), false);
        NDArray onehot = Labels.oneHot(Labels.withoutIgnored(labels), classes, logits.getDataType()); // (B, K, *S)
        NDArray nll = logits.logSoftmax(1).mul(onehot).sum(new int[] { 1 }).neg(); // (B, *S)
        NDArray voxelWeight = mask;
        if (classWeights != null) {
            NDArray w = logits.getManager().create(classWeights).toType(logits.getDataType(), false);
            long[] shape = new long[logits.getShape().dimension()];
            java.util.Arrays.fill(shape, 1);
            shape[1] = classes;
            voxelWeight = onehot.mul(w.reshape(shape)).sum(new int[] { 1 }).mul(mask);
        }
        double total = voxelWeight.toType(DataType.FLOAT64, false).sum().getDouble();
        if (total == 0) {
            return logits.sum().mul(Constants.scalar(logits, 0));
        }
        return nll.mul(voxelWeight).sum().div(Constants.scalar(logits, total));
    }
}
