package io.medseg.evaluation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;

import ai.djl.Device;
import io.medseg.MedSegException;
import io.medseg.dataset.DatasetCase;
import io.medseg.image.Volume;
import io.medseg.inference.CasePrediction;
import io.medseg.inference.CasePredictor;
import io.medseg.inference.SlidingWindowSettings;
import io.medseg.io.AtomicFiles;
import io.medseg.io.ImageFiles;
import io.medseg.postprocessing.Postprocessing;
import io.medseg.postprocessing.PostprocessingSearch;

/**
 * nnU-Net's final validation: the trained model predicts each held-out case whole, from its raw images, exactly as
 * {@code medseg predict} would, and the predictions are scored against the reference labels in the original geometry.
 * Writes the predictions ({@code CASE.ext}) and {@code scores.csv} / {@code scores.json} into a folder.
 *
 * <p>As nnU-Net's {@code determine_postprocessing} then does, the raw predictions (the argmax, without any
 * postprocessing the model may already carry) decide the model's {@link Postprocessing}; the decision and each
 * label's mean Dice before and after it go to {@code postprocessing.json}. The predictions and scores in the folder
 * stay the raw ones, as nnU-Net's validation summary does.
 */
public final class HeldOutValidation {
    /** NSD tolerance used for the validation scores, in mm. */
    public static final double NSD_TOLERANCE_MM = 1.0;

    /** The postprocessing decision's file in the validation folder. */
    public static final String POSTPROCESSING_FILE = "postprocessing.json";

    private HeldOutValidation() {
    }

    /**
     * What the final validation found.
     *
     * @param scores the raw predictions' scores
     * @param postprocessing the postprocessing decided on them, with mean Dice before and after
     */
    public record Result(ScoreReport scores, PostprocessingSearch.Decision postprocessing) {
    }

    /**
     * @param model  the trained model file
     * @param cases  held-out cases with labels
     * @param out    folder for predictions and scores (created; existing files are replaced, it belongs to the run)
     * @param log    receives one line per case
     */
    public static Result run(Path model, List<DatasetCase> cases, Path out, Device device, String fileEnding,
            Consumer<String> log) {
        SegmentationScorer scorer = new SegmentationScorer(NSD_TOLERANCE_MM, EmptyMaskConvention.NAN);
        List<CaseScores> scored = new ArrayList<>();
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new MedSegException(out + ": cannot create folder (" + AtomicFiles.describe(e) + ")", e);
        }
        PostprocessingSearch search;
        try (CasePredictor predictor = CasePredictor.open(model, device, SlidingWindowSettings.defaults(), false)) {
            SortedSet<Integer> labels = new TreeSet<>(predictor.metadata().labels().values());
            labels.remove(0);
            search = new PostprocessingSearch(List.copyOf(labels), (short) 0);
            for (DatasetCase c : cases) {
                long t0 = System.nanoTime();
                List<Volume> channels = new ArrayList<>();
                for (Path p : c.channelImages()) {
                    channels.add(ImageFiles.read(p));
                }
                CasePrediction prediction = predictor.predict(c.id(), channels, false);
                ImageFiles.write(prediction.labels(), out.resolve(c.id() + fileEnding), true);
                LabelMap predicted = LabelMap.of(prediction.labels());
                LabelMap reference = LabelMap.of(ImageFiles.read(c.label()));
                CaseScores s = scorer.scoreCase(c.id(), predicted, reference, labels);
                search.add(shorts(predicted.values()), shorts(reference.values()), predicted.grid().size());
                scored.add(s);
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "validation %s:", c.id()));
                for (LabelMetrics m : s.labels()) {
                    line.append(String.format(Locale.ROOT, " label %d Dice %.4f", m.label(), m.dice()));
                }
                log.accept(line.append(String.format(Locale.ROOT, " (%.1f s)", (System.nanoTime() - t0) / 1e9))
                        .toString());
            }
        }
        ScoreReport report = new ScoreReport(scored);
        ScoreFiles.writeCsv(report, out.resolve("scores.csv"), true);
        ScoreFiles.writeJson(report, out.resolve("scores.json"), true);
        PostprocessingSearch.Decision decision = search.decide();
        decision.write(out.resolve(POSTPROCESSING_FILE));
        return new Result(report, decision);
    }

    private static short[] shorts(int[] values) {
        short[] s = new short[values.length];
        for (int v = 0; v < s.length; v++) {
            s[v] = (short) values[v];
        }
        return s;
    }
}
