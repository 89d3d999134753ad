package io.medseg.nn.checkpoint;

import ai.djl.ndarray.NDList;

/**
 * A segment that computes its own input gradients instead of being recomputed as a whole under autograd, for example
 * a long scan that replays itself chunk by chunk so that only one chunk's activations exist at a time. This is the
 * custom-backward hook DJL lacks, built on gradient injection.
 */
public interface ExplicitGradient extends Segment {
    /**
     * Gradients of the loss with respect to each input (null where none is needed), called once in the backward pass
     * with autograd on.
     *
     * @param inputs detached copies of the inputs given to {@link #apply}
     * @param outputGradients the loss gradient of each output, or null for outputs that did not reach the loss
     */
    NDList gradients(NDList inputs, NDList outputGradients);
}
