package io.medseg.training;

import io.medseg.preprocessing.DatasetFingerprint;
import io.medseg.preprocessing.PreprocessingPlan;

/**
 * Hooks a training run calls as it goes (command-line progress bar, KNIME node progress). Called on the training
 * thread; implementations must be quick. All methods do nothing by default.
 */
public interface TrainingListener {
    /** A line worth showing the user (device chosen, resume point, validation result). */
    default void message(String text) {
    }

    /** Something the user should act on (no validation cases, stopped early); by default a message. */
    default void warning(String text) {
        message("warning: " + text);
    }

    /** The automatic plan, when the run planned one from its dataset (the command line prints it). */
    default void planned(DatasetFingerprint fingerprint, PreprocessingPlan plan) {
    }

    /** After every optimiser step. */
    default void iteration(TrainingProgress progress) {
    }

    /** After every epoch, with the whole history so far (its last record is {@code record}). */
    default void epochEnded(EpochRecord record, TrainingHistory history) {
    }
}
