package io.medseg.inference;

/** Told after every tile batch how far a sliding window is: for progress bars (KNIME) and logs. */
@FunctionalInterface
public interface TileProgress {
    TileProgress NONE = (done, total) -> {
    };

    void tilesDone(int done, int total);
}
