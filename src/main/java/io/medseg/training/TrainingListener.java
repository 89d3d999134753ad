package io.medseg.training;

/**
 * Hooks a training run calls as it goes (command-line progress bar, KNIME node progress). Called on the training
 * thread; implementations must be quick. All methods do nothing by default.
 */
public interface TrainingListener {
    /** A line worth showing the user (device chosen, resume point, validation result). */
    default void message(String text) {
    }

    /** After every optimiser step. */
    default void iteration(TrainingProgress progress) {
    }

    /** After every epoch, with the whole history so far (its last record is {@code record}). */
    default void epochEnded(EpochRecord record, TrainingHistory history) {
    }
}
