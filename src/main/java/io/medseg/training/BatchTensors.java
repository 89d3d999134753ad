package io.medseg.training;

import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.medseg.preprocessing.sampling.Batch;

/** Training batches as the network's tensors: images (n, C, *patch) and labels (n, *patch). */
final class BatchTensors {
    private BatchTensors() {
    }

    /**
     * Samples [from, to) of the batch's images as (n, C, *patch) on {@code m}'s device. Batches are flattened
     * with the first spatial axis fastest (imglib2/NIfTI order) while tensors are C-order, so the array is read
     * with the spatial axes reversed and transposed back: the network sees axis i as the patch's first axis, as
     * the sliding window feeds it at prediction.
     */
    static NDArray images(Batch b, int from, int to, NDManager m) {
        int size = b.channels() * b.patchVoxels();
        float[] part = Arrays.copyOfRange(b.images(), from * size, to * size);
        return spatialInOrder(m.create(part, new Shape(reversedShape(b.patchShape(), to - from, b.channels()))), 2);
    }

    /** Samples [from, to) of the batch's labels as int (n, *patch), −1 where unknown; layout as in images. */
    static NDArray labels(Batch b, int from, int to, NDManager m) {
        int size = b.patchVoxels();
        int[] values = new int[(to - from) * size];
        for (int i = 0; i < values.length; i++) {
            values[i] = b.labels()[from * size + i];
        }
        return spatialInOrder(m.create(values, new Shape(reversedShape(b.patchShape(), to - from))), 1);
    }

    /** The leading axes followed by the patch axes last to first. */
    private static long[] reversedShape(int[] patch, long... leading) {
        long[] s = Arrays.copyOf(leading, leading.length + patch.length);
        for (int i = 0; i < patch.length; i++) {
            s[leading.length + i] = patch[patch.length - 1 - i];
        }
        return s;
    }

    /** Reverses the spatial axes (those from {@code first} on) of an array read with them reversed. */
    private static NDArray spatialInOrder(NDArray a, int first) {
        int dims = a.getShape().dimension();
        int[] order = new int[dims];
        for (int i = 0; i < dims; i++) {
            order[i] = i < first ? i : dims - 1 - (i - first);
        }
        return a.transpose(order);
    }
}
