package io.medseg.inference;

import java.nio.file.Path;
import java.util.List;

/**
 * One case to predict: its id and its image files in channel order.
 *
 * @param ending the file ending of its images as spelled in the file name (e.g. {@code .nii.gz}, {@code .png}); the
 *        prediction is written with the same ending
 */
public record InputCase(String id, List<Path> channels, String ending) {
    /** Suffix of the optional probabilities file, always NIfTI (the only format here that holds K float channels). */
    public static final String PROBABILITIES_SUFFIX = "_probabilities.nii.gz";

    public InputCase {
        channels = List.copyOf(channels);
    }

    /** Where its label map goes: {@code DIR/ID.ending}. */
    public Path output(Path dir) {
        return dir.resolve(id + ending);
    }

    /** Where its probabilities go: {@code DIR/ID_probabilities.nii.gz}. */
    public Path probabilitiesOutput(Path dir) {
        return dir.resolve(id + PROBABILITIES_SUFFIX);
    }
}
