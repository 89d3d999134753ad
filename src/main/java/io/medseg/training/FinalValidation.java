package io.medseg.training;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

import ai.djl.Device;
import io.medseg.dataset.DatasetCase;
import io.medseg.dataset.DatasetSplit;
import io.medseg.dataset.SegmentationDataset;
import io.medseg.evaluation.HeldOutValidation;
import io.medseg.evaluation.MetricSummary;
import io.medseg.evaluation.ScoreReport;
import io.medseg.inference.CasePredictor;
import io.medseg.inference.SlidingWindowSettings;
import io.medseg.inference.TileProgress;
import io.medseg.model.ModelFile;
import io.medseg.postprocessing.PostprocessingSearch;
import io.medseg.preprocessing.PreprocessedCase;

/**
 * Where a finished training run predicts its held-out cases to decide nnU-Net's postprocessing
 * ({@code determine_postprocessing}), which is then stored in the model. The two grids exist because the front ends
 * hold different data: the train command has the raw images, the Segmentation Learner node only the preprocessed
 * cases of its input port. Keeping the largest component is judged the same way on either grid.
 */
public enum FinalValidation {
    /**
     * nnU-Net's final validation: each held-out case is predicted whole from its raw images, exactly as
     * {@code medseg predict} would, scored in the original geometry ({@code validation/} in the run folder: the
     * predictions, scores.csv/json, postprocessing.json), and the decision is made on those predictions.
     */
    RAW_IMAGES,
    /** On the held-out cases' preprocessed (cropped, resampled) grid; nothing is written but the model's decision. */
    PREPROCESSED_GRID;

    /** The folder {@link #RAW_IMAGES} writes into, inside the run folder. */
    public static final String FOLDER = "validation";

    /** What the decision found: the scores (raw-image validation only, else null) and the decision itself. */
    public record Outcome(ScoreReport scores, PostprocessingSearch.Decision decision) {
    }

    /** Predicts {@code held} with {@code model}, decides the postprocessing and stores it in {@code model}. */
    Outcome decide(Path model, List<PreprocessedCase> held, SegmentationDataset dataset, Path runDir, Device device,
            TrainingListener listener, BooleanSupplier cancelled) {
        Outcome outcome = this == RAW_IMAGES ? onRawImages(model, held, dataset, runDir, device, listener)
                : new Outcome(null, onPreprocessedGrid(model, held, device, cancelled));
        PostprocessingSearch.Decision d = outcome.decision();
        ModelFile.replaceMetadata(model, ModelFile.readHeader(model).metadata().withPostprocessing(d.postprocessing()));
        listener.message(String.format(Locale.ROOT, "postprocessing: %s (validation mean foreground Dice %.4f ->"
                + " %.4f), stored in %s", d.postprocessing().describe(), d.foregroundBefore(), d.foregroundAfter(),
                model));
        return outcome;
    }

    private static Outcome onRawImages(Path model, List<PreprocessedCase> held, SegmentationDataset dataset,
            Path runDir, Device device, TrainingListener listener) {
        Map<String, DatasetCase> byId = new LinkedHashMap<>();
        dataset.cases(DatasetSplit.TRAIN).forEach(c -> byId.put(c.id(), c));
        List<DatasetCase> cases = held.stream().map(c -> byId.get(c.id())).toList();
        Path dir = runDir.resolve(FOLDER);
        HeldOutValidation.Result validation = HeldOutValidation.run(model, cases, dir, device, dataset.fileEnding(),
                listener::message);
        for (var label : validation.scores().summary().entrySet()) {
            MetricSummary dice = label.getValue().get("dice");
            listener.message(String.format(Locale.ROOT, "validation label %d: mean Dice %.4f (n %d)", label.getKey(),
                    dice.mean(), dice.n()));
        }
        listener.message("validation predictions and scores in " + dir);
        return new Outcome(validation.scores(), validation.postprocessing());
    }

    private static PostprocessingSearch.Decision onPreprocessedGrid(Path model, List<PreprocessedCase> held,
            Device device, BooleanSupplier cancelled) {
        try (CasePredictor predictor = CasePredictor.open(model, device, SlidingWindowSettings.defaults(), false)) {
            List<Integer> labels = predictor.metadata().labels().values().stream().filter(v -> v != 0).sorted()
                    .toList();
            PostprocessingSearch search = new PostprocessingSearch(labels, (short) 0);
            for (PreprocessedCase c : held) {
                if (cancelled.getAsBoolean()) {
                    throw new java.util.concurrent.CancellationException();
                }
                short[] predicted = predictor.segmentation(predictor.probabilities(c.image(), c.shape(),
                        TileProgress.NONE, cancelled));
                search.add(predicted, c.label(), Arrays.stream(c.shape()).mapToInt(Math::toIntExact).toArray());
            }
            return search.decide();
        }
    }
}
