package io.medseg.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.medseg.MedSegException;
import io.medseg.engine.Devices;
import io.medseg.image.Volume;
import io.medseg.inference.CasePrediction;
import io.medseg.inference.CasePredictor;
import io.medseg.inference.InputCase;
import io.medseg.inference.InputCases;
import io.medseg.inference.SlidingWindowSettings;
import io.medseg.io.AtomicFiles;
import io.medseg.io.ImageFiles;
import io.medseg.nn.networks.NetworkConfig;
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

    @Override
    public Integer call() {
        SlidingWindowSettings settings = new SlidingWindowSettings(overlap, tta, tileBatch);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new MedSegException("--out " + out + ": is a file, expected a folder");
        }
        if (!Files.exists(in)) {
            throw new MedSegException("--in " + in + ": no such file or folder");
        }
        Path modelFile = CasePredictor.modelFile(model);
        Devices.Selection selection = Devices.parse(device);
        try (CasePredictor predictor = CasePredictor.open(modelFile, selection.primary(), settings,
                !noPostprocessing)) {
            NetworkConfig c = predictor.config();
            List<InputCase> cases = InputCases.find(in, c.inChannels());
            List<Path> outputs = new ArrayList<>();
            for (InputCase ic : cases) {
                outputs.add(ic.output(out));
                if (probabilities) {
                    outputs.add(ic.probabilitiesOutput(out));
                }
            }
            // every existing output is reported before any (slow) prediction runs
            for (Path p : outputs) {
                AtomicFiles.checkWritable(p.toAbsolutePath().normalize(), overwrite);
            }
            out().printf(Locale.ROOT, "%s: %s %dD, %d channel(s) %s -> %d classes, patch %s; %s; overlap %s, "
                    + "mirroring %s, %d tile(s) per pass, postprocessing %s; %d case(s)%n", modelFile,
                    c.architecture().id(), c.dims(), c.inChannels(), predictor.channelNames(), c.classes(),
                    join(predictor.metadata().patchSize()), selection.description(), overlap, tta ? "on" : "off",
                    tileBatch, predictor.postprocessing().describe(), cases.size());
            out().flush();
            long start = System.nanoTime();
            for (InputCase ic : cases) {
                long t0 = System.nanoTime();
                List<Volume> channels = new ArrayList<>();
                for (Path f : ic.channels()) {
                    channels.add(ImageFiles.read(f));
                }
                CasePrediction p = predictor.predict(ic.id(), channels, probabilities);
                ImageFiles.write(p.labels(), ic.output(out), overwrite);
                if (probabilities) {
                    ImageFiles.write(p.probabilities(), ic.probabilitiesOutput(out), overwrite);
                }
                out().printf(Locale.ROOT, "%s: %s -> %s (%d tiles) in %.2f s%n", ic.id(),
                        join(channels.get(0).shape()), ic.output(out), p.tiles(), (System.nanoTime() - t0) / 1e9);
                out().flush();
            }
            out().printf(Locale.ROOT, "predicted %d case(s) in %.1f s%n", cases.size(), (System.nanoTime() - start) / 1e9);
        }
        return 0;
    }

    private static String join(long[] shape) {
        StringBuilder b = new StringBuilder();
        for (long s : shape) {
            b.append(b.length() == 0 ? "" : "x").append(s);
        }
        return b.toString();
    }
}
