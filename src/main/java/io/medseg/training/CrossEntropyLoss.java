package io.medseg.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Pixel-wise cross-entropy as PyTorch's {@code nn.CrossEntropyLoss(weight, reduction='mean')}, which nnU-Net's
 * RobustCrossEntropyLoss is for a dataset without an ignore label: logits (B, K, *S), class labels (B, *S) in [0, K).
 * Every voxel counts, including those outside the non-zero region and the padding, which the augmenter has turned
 * into background as nnU-Net does; with class weights w the mean is Σ w_y·nll / Σ w_y (PyTorch's weighted mean).
 */
public final class CrossEntropyLoss {
    private final double[] classWeights;

    /** Unweighted cross-entropy. */
    public CrossEntropyLoss() {
        this(null);
    }

    /** @param classWeights one weight per class, or null for all 1 */
    public CrossEntropyLoss(double[] classWeights) {
        this.classWeights = classWeights == null ? null : classWeights.clone();
    }

    /** Scalar loss. */
    public NDArray apply(NDArray logits, NDArray labels) {
        int classes = (int) logits.getShape().get(1);
        if (classWeights != null && classWeights.length != classes) {
            throw new IllegalArgumentException(classWeights.length + " class weights for " + classes + " classes");
        }
        NDArray onehot = Labels.oneHot(labels, classes, logits.getDataType()); // (B, K, *S)
        NDArray nll = logits.logSoftmax(1).mul(onehot).sum(new int[] { 1 }).neg(); // (B, *S)
        if (classWeights == null) {
            return nll.mean();
        }
        NDArray w = logits.getManager().create(classWeights).toType(logits.getDataType(), false);
        long[] shape = new long[logits.getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[1] = classes;
        NDArray voxelWeight = onehot.mul(w.reshape(shape)).sum(new int[] { 1 });
        double total = voxelWeight.toType(DataType.FLOAT64, false).sum().getDouble();
        return nll.mul(voxelWeight).sum().div(Constants.scalar(logits, total));
    }
}
