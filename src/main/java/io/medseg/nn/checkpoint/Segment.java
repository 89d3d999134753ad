package io.medseg.nn.checkpoint;

import ai.djl.ndarray.NDList;

/**
 * A deterministic piece of a forward pass whose activations are not kept but recomputed in the backward pass. It must
 * compute the same outputs when run twice on the same inputs (no dropout or other randomness), and may itself
 * checkpoint smaller segments through {@link CheckpointTape#checkpoint}.
 */
@FunctionalInterface
public interface Segment {
    NDList apply(NDList inputs);
}
