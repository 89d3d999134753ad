package io.medseg.inference;

import io.medseg.image.Volume;

/**
 * One case's prediction on its original grid.
 *
 * @param id case id
 * @param labels label map (label values of the model, a small integer type), with the geometry and file header of
 *        the case's first channel
 * @param probabilities per-class probabilities (float32, one channel per class in class order), same grid; null
 *        unless asked for
 * @param tiles tiles the sliding window predicted (each mirrored 2^dims times with mirroring)
 */
public record CasePrediction(String id, Volume labels, Volume probabilities, int tiles) {
}
