package io.medseg.inference;

/** What a {@link Prediction} reports as it goes (command-line lines, node progress). Does nothing by default. */
public interface PredictionListener {
    /** A line worth showing: the model and settings used, each case done. */
    default void message(String text) {
    }

    /** After every tile batch of case {@code index} (0-based) of {@code cases}. */
    default void tiles(int index, int cases, String id, int done, int total) {
    }
}
