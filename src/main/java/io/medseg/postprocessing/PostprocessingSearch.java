package io.medseg.postprocessing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import io.medseg.io.AtomicFiles;

/**
 * Decides a model's {@link Postprocessing} from its held-out validation predictions, by nnU-Net's rules
 * ({@code determine_postprocessing}): keep only the largest foreground component if that raises the mean foreground
 * Dice and lowers no label's mean Dice; then, for each label in turn, keep only its largest component if that raises
 * the label's mean Dice. Means are over cases, leaving out cases where prediction and reference both lack the label
 * (Dice undefined, NaN, as nnU-Net scores them); the mean foreground Dice is the mean of the labels' means.
 *
 * <p>Cases are added one at a time and only their Dice values are kept, so validation sets of any size fit in memory.
 * Removing components of one label changes no other label's voxels, so every label's Dice with and without its own
 * step, with and without the foreground step, is all the decision needs.
 */
public final class PostprocessingSearch {
    private final int[] labels;
    private final short background;
    /**
     * Sum and count of the defined per-case Dice values, indexed [foreground step applied][label step applied][label
     * index].
     */
    private final double[][][] sums;
    private final int[][][] counts;

    /**
     * @param labels the foreground label values, in the order their steps are tried
     * @param background the background label value
     */
    public PostprocessingSearch(List<Integer> labels, short background) {
        this.labels = labels.stream().mapToInt(Integer::intValue).toArray();
        this.background = background;
        this.sums = new double[2][2][this.labels.length];
        this.counts = new int[2][2][this.labels.length];
    }

    /** Adds one validation case: its raw prediction and reference label values on a grid of {@code shape}. */
    public void add(short[] prediction, short[] reference, int[] shape) {
        if (prediction.length != reference.length) {
            throw new IllegalArgumentException("prediction has " + prediction.length + " voxels, reference "
                    + reference.length);
        }
        short[][] variants = { prediction, new Postprocessing(true, List.of()).apply(prediction, shape, background) };
        for (int f = 0; f < 2; f++) {
            for (int l = 0; l < labels.length; l++) {
                short[] p = variants[f];
                accumulate(f, 0, l, dice(p, reference, labels[l]));
                accumulate(f, 1, l, dice(new Postprocessing(false, List.of(labels[l])).apply(p, shape, background),
                        reference, labels[l]));
            }
        }
    }

    /** The decision, with each label's mean Dice before and after it. */
    public Decision decide() {
        int f = 0;
        if (foregroundMean(1) > foregroundMean(0)) {
            f = 1;
            for (int l = 0; l < labels.length; l++) {
                if (mean(1, 0, l) < mean(0, 0, l)) {
                    f = 0;
                }
            }
        }
        boolean[] labelSteps = new boolean[labels.length];
        List<Integer> chosen = new ArrayList<>();
        for (int l = 0; l < labels.length; l++) {
            if (mean(f, 1, l) > mean(f, 0, l)) {
                labelSteps[l] = true;
                chosen.add(labels[l]);
            }
        }
        Map<Integer, Double> before = new LinkedHashMap<>();
        Map<Integer, Double> after = new LinkedHashMap<>();
        for (int l = 0; l < labels.length; l++) {
            before.put(labels[l], mean(0, 0, l));
            after.put(labels[l], mean(f, labelSteps[l] ? 1 : 0, l));
        }
        return new Decision(new Postprocessing(f == 1, chosen), before, after);
    }

    /**
     * A postprocessing decision.
     *
     * @param postprocessing what to apply
     * @param before mean Dice per label of the raw predictions (NaN where no case defines it)
     * @param after mean Dice per label with {@code postprocessing} applied
     */
    public record Decision(Postprocessing postprocessing, Map<Integer, Double> before, Map<Integer, Double> after) {
        /** Mean of the labels' mean Dice (those defined), before postprocessing. */
        public double foregroundBefore() {
            return meanOfDefined(before);
        }

        /** Mean of the labels' mean Dice (those defined), after postprocessing. */
        public double foregroundAfter() {
            return meanOfDefined(after);
        }

        /**
         * Writes the decision as JSON (atomically, replacing the file): the steps, and per label the mean Dice before
         * and after them (null where undefined), as nnU-Net's postprocessing.json reports them.
         */
        public void write(Path file) {
            JsonObject json = new JsonObject();
            json.addProperty("largest_foreground", postprocessing.largestForeground());
            JsonArray perLabel = new JsonArray();
            postprocessing.largestComponentLabels().forEach(perLabel::add);
            json.add("largest_component_labels", perLabel);
            json.add("dice_before", byLabel(before));
            json.add("dice_after", byLabel(after));
            json.add("foreground_dice_before", number(foregroundBefore()));
            json.add("foreground_dice_after", number(foregroundAfter()));
            String text = new GsonBuilder().setPrettyPrinting().create().toJson(json) + "\n";
            AtomicFiles.write(file, true, tmp -> Files.writeString(tmp, text));
        }

        private static JsonObject byLabel(Map<Integer, Double> m) {
            JsonObject o = new JsonObject();
            m.forEach((label, dice) -> o.add(String.valueOf(label), number(dice)));
            return o;
        }

        private static JsonElement number(double v) {
            return Double.isNaN(v) ? JsonNull.INSTANCE : new JsonPrimitive(v);
        }

        private static double meanOfDefined(Map<Integer, Double> m) {
            return PostprocessingSearch.meanOfDefined(m.values().stream().mapToDouble(Double::doubleValue));
        }
    }

    /** Mean foreground Dice of the raw (f = 0) or foreground-step (f = 1) predictions. */
    private double foregroundMean(int f) {
        return meanOfDefined(IntStream.range(0, labels.length).mapToDouble(l -> mean(f, 0, l)));
    }

    /** Mean of the values that are not NaN; NaN if none is. */
    private static double meanOfDefined(DoubleStream values) {
        return values.filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
    }

    /** Mean over cases with a defined Dice; NaN if none. NaN compares false, so an undefined mean never decides. */
    private double mean(int f, int step, int l) {
        return counts[f][step][l] == 0 ? Double.NaN : sums[f][step][l] / counts[f][step][l];
    }

    private void accumulate(int f, int step, int l, double dice) {
        if (!Double.isNaN(dice)) {
            sums[f][step][l] += dice;
            counts[f][step][l]++;
        }
    }

    /** Dice of one label; NaN when prediction and reference both lack it. */
    static double dice(short[] prediction, short[] reference, int label) {
        long both = 0;
        long p = 0;
        long r = 0;
        for (int v = 0; v < prediction.length; v++) {
            boolean inP = prediction[v] == label;
            boolean inR = reference[v] == label;
            p += inP ? 1 : 0;
            r += inR ? 1 : 0;
            both += inP && inR ? 1 : 0;
        }
        return p + r == 0 ? Double.NaN : 2.0 * both / (p + r);
    }
}
