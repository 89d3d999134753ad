package io.medseg.inference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import io.medseg.MedSegException;
import io.medseg.Range;
import io.medseg.engine.Devices;
import io.medseg.image.Volume;
import io.medseg.io.AtomicFiles;
import io.medseg.io.ImageFiles;
import io.medseg.nn.networks.NetworkConfig;

/**
 * The one prediction entry point, which {@code medseg predict} and the Segmentation Predictor node both wrap: open the
 * model, find the cases (a file or folder of nnU-Net-named images, or given cases), check every output can be written
 * before any slow prediction, then predict each case ({@link CasePredictor}: the model's plan, Gaussian-weighted
 * sliding window, back to the original grid, the model's postprocessing) and write {@code DIR/CASE.ext} and, when
 * asked, {@code DIR/CASE_probabilities.nii.gz}. Built with {@link #builder()}, whose {@code build()} checks every
 * value against the limits both front ends share and reports every problem at once.
 */
public final class Prediction {
    /** [0, 1): the share of a patch neighbouring tiles have in common (nnU-Net: 0.5). */
    public static final Range OVERLAP = Range.below(0, 1);
    /** Tiles per forward pass. */
    public static final Range TILE_BATCH = Range.integers(1, 256);

    private final Builder b;

    private Prediction(Builder b) {
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** One predicted case: its label map and (or null) probabilities file. */
    public record Predicted(InputCase input, Path labels, Path probabilities) {
    }

    /** Predicts every case. @throws CancellationException when cancelled between tile batches */
    public List<Predicted> run(PredictionListener listener, BooleanSupplier cancelled) {
        Path modelFile = CasePredictor.modelFile(b.model);
        Devices.Selection selection = Devices.parse(b.device);
        SlidingWindowSettings window = new SlidingWindowSettings(b.overlap, b.mirroring, b.tileBatch);
        try (CasePredictor predictor = CasePredictor.open(modelFile, selection.primary(), window, b.postprocessing)) {
            NetworkConfig c = predictor.config();
            List<InputCase> cases = b.cases != null ? b.cases : InputCases.find(b.input, c.inChannels());
            for (InputCase ic : cases) {
                AtomicFiles.checkWritable(ic.output(b.output).toAbsolutePath().normalize(), b.overwrite);
                if (b.probabilities) {
                    AtomicFiles.checkWritable(ic.probabilitiesOutput(b.output).toAbsolutePath().normalize(),
                            b.overwrite);
                }
            }
            listener.message(String.format(Locale.ROOT, "%s: %s %dD, %d channel(s) %s -> %d classes, patch %s; %s;"
                    + " overlap %s, mirroring %s, %d tile(s) per pass, postprocessing %s; %d case(s)", modelFile,
                    c.architecture().id(), c.dims(), c.inChannels(), predictor.channelNames(), c.classes(),
                    join(predictor.metadata().patchSize()), selection.description(), b.overlap,
                    b.mirroring ? "on" : "off", b.tileBatch, predictor.postprocessing().describe(), cases.size()));
            long start = System.nanoTime();
            List<Predicted> done = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                if (cancelled.getAsBoolean()) {
                    throw new CancellationException();
                }
                done.add(predict(predictor, cases.get(i), i, cases.size(), listener, cancelled));
            }
            listener.message(String.format(Locale.ROOT, "predicted %d case(s) in %.1f s", cases.size(),
                    (System.nanoTime() - start) / 1e9));
            return done;
        }
    }

    private Predicted predict(CasePredictor predictor, InputCase ic, int index, int count,
            PredictionListener listener, BooleanSupplier cancelled) {
        long t0 = System.nanoTime();
        List<Volume> channels = new ArrayList<>();
        for (Path f : ic.channels()) {
            channels.add(ImageFiles.read(f));
        }
        CasePrediction p = predictor.predict(ic.id(), channels, b.probabilities,
                (done, total) -> listener.tiles(index, count, ic.id(), done, total), cancelled);
        Path labels = ic.output(b.output);
        ImageFiles.write(p.labels(), labels, b.overwrite);
        Path probabilities = null;
        if (b.probabilities) {
            probabilities = ic.probabilitiesOutput(b.output);
            ImageFiles.write(p.probabilities(), probabilities, b.overwrite);
        }
        listener.message(String.format(Locale.ROOT, "%s: %s -> %s (%d tiles) in %.2f s", ic.id(),
                join(channels.get(0).shape()), labels, p.tiles(), (System.nanoTime() - t0) / 1e9));
        return new Predicted(ic, labels, probabilities);
    }

    private static String join(long[] shape) {
        StringBuilder s = new StringBuilder();
        for (long v : shape) {
            s.append(s.length() == 0 ? "" : "x").append(v);
        }
        return s.toString();
    }

    /**
     * {@code set*} for the model, input and output, {@code opt*} for the rest (defaults: nnU-Net's overlap 0.5, no
     * mirroring, {@value SlidingWindowSettings#DEFAULT_TILE_BATCH} tiles per pass, the model's postprocessing, device
     * auto, no probabilities, existing files kept). Problems name values by the predictor node's setting keys
     * (overlap, tile_batch; also model, input, output) through {@link #optNames}.
     */
    public static final class Builder {
        private Path model;
        private Path input;
        private List<InputCase> cases;
        private Path output;
        private double overlap = SlidingWindowSettings.DEFAULT_OVERLAP;
        private boolean mirroring;
        private int tileBatch = SlidingWindowSettings.DEFAULT_TILE_BATCH;
        private boolean probabilities;
        private boolean postprocessing = true;
        private boolean overwrite;
        private String device = "auto";
        private UnaryOperator<String> names = UnaryOperator.identity();

        private Builder() {
        }

        /** A model file, or a folder holding {@value CasePredictor#MODEL_FILE_NAME}. */
        public Builder setModel(Path model) {
            this.model = model;
            return this;
        }

        /** One image file, or a folder of CASE_0000.ext images (instead of {@link #setCases}). */
        public Builder setInput(Path fileOrFolder) {
            this.input = fileOrFolder;
            return this;
        }

        /** The cases to predict (instead of {@link #setInput}). */
        public Builder setCases(List<InputCase> cases) {
            this.cases = List.copyOf(cases);
            return this;
        }

        /** The folder the predictions go into (created when missing). */
        public Builder setOutput(Path dir) {
            this.output = dir;
            return this;
        }

        public Builder optOverlap(double overlap) {
            this.overlap = overlap;
            return this;
        }

        public Builder optMirroring(boolean mirroring) {
            this.mirroring = mirroring;
            return this;
        }

        public Builder optTileBatch(int tileBatch) {
            this.tileBatch = tileBatch;
            return this;
        }

        public Builder optProbabilities(boolean probabilities) {
            this.probabilities = probabilities;
            return this;
        }

        /** Apply the model's postprocessing (default); false writes the argmax as it is. */
        public Builder optPostprocessing(boolean postprocessing) {
            this.postprocessing = postprocessing;
            return this;
        }

        public Builder optOverwrite(boolean overwrite) {
            this.overwrite = overwrite;
            return this;
        }

        public Builder optDevice(String device) {
            this.device = device;
            return this;
        }

        /** How problems name a value, from its predictor setting key to the caller's spelling (e.g. --overlap). */
        public Builder optNames(UnaryOperator<String> names) {
            this.names = names;
            return this;
        }

        /** @throws MedSegException naming every problem, one line each joined by "; " */
        public Prediction build() {
            List<String> p = new ArrayList<>();
            if (model == null) {
                p.add(names.apply("model") + " is required");
            }
            if ((input == null) == (cases == null)) {
                p.add("give either an input file or folder or the cases to predict");
            } else if (input != null && !Files.exists(input)) {
                p.add(names.apply("input") + " " + input + ": no such file or folder");
            }
            if (output == null) {
                p.add(names.apply("output") + " is required");
            } else if (Files.exists(output) && !Files.isDirectory(output)) {
                p.add(names.apply("output") + " " + output + ": is a file, expected a folder");
            }
            OVERLAP.check(names.apply("overlap"), overlap, p);
            TILE_BATCH.check(names.apply("tile_batch"), tileBatch, p);
            if (!p.isEmpty()) {
                throw new MedSegException(String.join("; ", p));
            }
            return new Prediction(this);
        }
    }
}
