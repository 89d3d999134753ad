package io.medseg.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * nnU-Net's per-epoch "pseudo Dice": true positives, false positives and false negatives of the argmax prediction per
 * foreground class, summed over all validation patches of an epoch, then Dice = 2TP / (2TP + FP + FN) per class.
 * Every voxel counts: the validation patches' targets, like the training ones, have the zero surround and the padding
 * as background (nnU-Net's validation transforms end with the same RemoveLabelTansform), so foreground predicted there
 * lowers the pseudo-Dice as it lowers the test Dice. Patches are not whole cases, so this only tracks progress; the
 * real score comes from the full-case validation at the end.
 */
public final class PseudoDice {
    private final long[] tp;
    private final long[] fp;
    private final long[] fn;

    /** @param classes classes including background */
    public PseudoDice(int classes) {
        tp = new long[classes];
        fp = new long[classes];
        fn = new long[classes];
    }

    /** Adds a batch: logits (B, K, *S) and labels (B, *S). */
    public void add(NDArray logits, NDArray labels) {
        NDArray predicted = logits.argMax(1).toType(DataType.INT32, false);
        NDArray y = labels.toType(DataType.INT32, false);
        for (int k = 1; k < tp.length; k++) {
            NDArray p = predicted.eq(k);
            NDArray r = y.eq(k);
            tp[k] += p.logicalAnd(r).countNonzero().getLong();
            fp[k] += p.logicalAnd(r.logicalNot()).countNonzero().getLong();
            fn[k] += r.logicalAnd(p.logicalNot()).countNonzero().getLong();
        }
    }

    /** Dice of foreground class {@code k} (1..K−1), NaN if it is absent from prediction and reference. */
    public double dice(int k) {
        long denominator = 2 * tp[k] + fp[k] + fn[k];
        return denominator == 0 ? Double.NaN : 2.0 * tp[k] / denominator;
    }

    /** Mean Dice over foreground classes, ignoring NaN; NaN if all are NaN. */
    public double mean() {
        double sum = 0;
        int n = 0;
        for (int k = 1; k < tp.length; k++) {
            double d = dice(k);
            if (!Double.isNaN(d)) {
                sum += d;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
