package io.medseg.postprocessing;

import java.util.ArrayList;
import java.util.List;

/**
 * nnU-Net's postprocessing, as plain data: optionally keep only the largest connected component of the foreground
 * (all non-background labels taken together), then, for each listed label in order, only the largest component of
 * that label. Removed voxels become background. Which steps a model uses is decided on its held-out validation cases
 * ({@link PostprocessingSearch}) and stored with the model, so prediction applies exactly what helped there.
 *
 * @param largestForeground keep only the largest foreground component
 * @param largestComponentLabels label values whose smaller components are removed, in the order they are applied
 */
public record Postprocessing(boolean largestForeground, List<Integer> largestComponentLabels) {
    /** No postprocessing: the argmax of the network's probabilities as it is. */
    public static final Postprocessing NONE = new Postprocessing(false, List.of());

    public Postprocessing {
        largestComponentLabels = largestComponentLabels == null ? List.of() : List.copyOf(largestComponentLabels);
    }

    public boolean isNone() {
        return !largestForeground && largestComponentLabels.isEmpty();
    }

    /**
     * The postprocessed segmentation (a new array; {@code labels} is not changed).
     *
     * @param labels label values on a grid of {@code shape} (flat, first axis fastest)
     * @param background the background label value
     */
    public short[] apply(short[] labels, int[] shape, short background) {
        short[] out = labels.clone();
        if (largestForeground) {
            boolean[] foreground = new boolean[out.length];
            for (int v = 0; v < out.length; v++) {
                foreground[v] = out[v] != background;
            }
            removeAllButLargest(out, foreground, shape, background);
        }
        for (int label : largestComponentLabels) {
            boolean[] mask = new boolean[out.length];
            for (int v = 0; v < out.length; v++) {
                mask[v] = out[v] == label;
            }
            removeAllButLargest(out, mask, shape, background);
        }
        return out;
    }

    /** One line for logs and reports, e.g. "keep the largest foreground component, then of label 1". */
    public String describe() {
        if (isNone()) {
            return "none";
        }
        List<String> steps = new ArrayList<>();
        if (largestForeground) {
            steps.add("keep the largest foreground component");
        }
        for (int label : largestComponentLabels) {
            steps.add("keep the largest component of label " + label);
        }
        return String.join(", then ", steps);
    }

    /** Sets the voxels of {@code mask} outside its largest component to {@code background}. */
    static void removeAllButLargest(short[] labels, boolean[] mask, int[] shape, short background) {
        boolean[] keep = ConnectedComponents.of(mask, shape).largest();
        for (int v = 0; v < labels.length; v++) {
            if (mask[v] && !keep[v]) {
                labels[v] = background;
            }
        }
    }
}
