package io.medseg.synth;

import io.medseg.image.Volume;

/**
 * One generated phantom.
 *
 * @param index the case index within its dataset (with the seed, it determines the case completely)
 * @param image CT intensities in HU, int16, axes (i, j[, k], 1)
 * @param label label map (0 background, 1 organ, 2 lesion), uint8, same shape and geometry as {@code image}
 * @param lesions number of lesions rendered (0-3)
 */
public record SyntheticCase(int index, Volume image, Volume label, int lesions) {
}
