package io.medseg.cli;

import java.nio.file.Path;
import java.util.Map;

import io.medseg.inference.CasePredictor;
import io.medseg.inference.Prediction;
import io.medseg.inference.PredictionListener;
import io.medseg.inference.SlidingWindowSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code medseg predict MODEL --in FILE|DIR --out DIR}: segments images with a trained model. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = { "Segment images with a trained model, as nnU-Net predicts: preprocess with the model's plan,",
                "Gaussian-weighted sliding window over patch-sized tiles, probabilities resampled to the original grid,",
                "argmax. --in is one image file or a folder of nnU-Net-named images CASE_0000.ext (0000 the channel index).",
                "Writes DIR/CASE.ext (same ending as the input) with the input's geometry and header, and with",
                "--probabilities DIR/CASE_probabilities.nii.gz (float32, one channel per class; NIfTI for every input",
                "format since pictures cannot hold K float channels)." })
final class PredictCommand extends MedSegCommand {
    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file, or a folder holding "
            + CasePredictor.MODEL_FILE_NAME + ".")
    Path model;

    @Option(names = "--in", required = true, paramLabel = "FILE|DIR", description = "Image file or folder of CASE_0000.ext images.")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the predictions (created if missing).")
    Path out;

    @Option(names = "--overlap", defaultValue = "0.5", paramLabel = "X",
            description = "Fraction of a patch shared by neighbouring tiles, in [0, 1) (default ${DEFAULT-VALUE}).")
    double overlap;

    @Option(names = "--tta", description = "Test-time augmentation: also predict every mirroring of each tile "
            + "(4 passes in 2D, 8 in 3D) and average.")
    boolean tta;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "D",
            description = "auto, cpu or gpu:N (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--probabilities", description = "Also write CASE_probabilities.nii.gz.")
    boolean probabilities;

    @Option(names = "--tile-batch", defaultValue = "" + SlidingWindowSettings.DEFAULT_TILE_BATCH, paramLabel = "N",
            description = "Tiles per forward pass; more is faster on a GPU and needs more memory (default ${DEFAULT-VALUE}).")
    int tileBatch;

    @Option(names = "--overwrite", description = "Replace existing prediction files.")
    boolean overwrite;

    @Option(names = "--no-postprocessing", description = "Write the argmax as it is, without the postprocessing the "
            + "model's validation chose (keeping only the largest component of the foreground or of some labels).")
    boolean noPostprocessing;

    /** Option names of the predictor setting keys the engine's problems use. */
    private static final Map<String, String> OPTIONS = Map.of("overlap", "--overlap", "tile_batch", "--tile-batch",
            "model", "MODEL", "input", "--in", "output", "--out");

    /** A thin caller of {@link Prediction}, which the Segmentation Predictor node wraps too. */
    @Override
    public Integer call() {
        Prediction.builder()
                .setModel(model)
                .setInput(in)
                .setOutput(out)
                .optOverlap(overlap)
                .optMirroring(tta)
                .optTileBatch(tileBatch)
                .optProbabilities(probabilities)
                .optPostprocessing(!noPostprocessing)
                .optOverwrite(overwrite)
                .optDevice(device)
                .optNames(key -> OPTIONS.getOrDefault(key, key))
                .build()
                .run(new PredictionListener() {
                    @Override
                    public void message(String text) {
                        out().println(text);
                        out().flush();
                    }
                }, () -> false);
        return 0;
    }
}
