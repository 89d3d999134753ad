package io.medseg.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Label-map helpers shared by the loss terms. */
final class Labels {
    private Labels() {
    }

    /**
     * One-hot (B, K, *S) of labels (B, *S) in {@code type}. Labels outside [0, K) are refused: a one-hot row of zeros
     * would silently drop such voxels from both loss terms (an unconverted −1 "outside" marker, say).
     */
    static NDArray oneHot(NDArray labels, int classes, DataType type) {
        NDArray l = labels.toType(DataType.INT64, false);
        long min = l.min().getLong();
        long max = l.max().getLong();
        if (min < 0 || max >= classes) {
            throw new IllegalArgumentException("labels must be classes 0.." + (classes - 1) + ", found " + min + ".."
                    + max);
        }
        NDArray oh = l.oneHot(classes, type); // (B, *S, K)
        int dims = oh.getShape().dimension();
        int[] order = new int[dims];
        order[0] = 0;
        order[1] = dims - 1;
        for (int i = 2; i < dims; i++) {
            order[i] = i - 1;
        }
        return oh.transpose(order);
    }
}
