package io.medseg.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Label-map helpers shared by the loss terms. */
final class Labels {
    private Labels() {
    }

    /** Ignored voxels (label −1) become background, as nnU-Net does before one-hot encoding; they are masked anyway. */
    static NDArray withoutIgnored(NDArray labels) {
        NDArray l = labels.toType(DataType.INT64, false);
        return l.mul(l.gte(0).toType(DataType.INT64, false));
    }

    /** One-hot (B, K, *S) of labels (B, *S) in {@code type}; labels must be in [0, K). */
    static NDArray oneHot(NDArray labels, int classes, DataType type) {
        NDArray oh = labels.toType(DataType.INT64, false).oneHot(classes, type); // (B, *S, K)
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
