package io.medseg.inference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.medseg.MedSegException;
import io.medseg.engine.DjlEnvironment;
import io.medseg.image.ImageDataType;
import io.medseg.image.OneSliceVolumes;
import io.medseg.image.Volume;
import io.medseg.model.ModelFile;
import io.medseg.model.ModelMetadata;
import io.medseg.nn.networks.NetworkConfig;
import io.medseg.nn.networks.Networks;
import io.medseg.postprocessing.Postprocessing;
import io.medseg.preprocessing.CropBox;
import io.medseg.preprocessing.PreprocessedCase;
import io.medseg.preprocessing.PreprocessingPlan;
import io.medseg.preprocessing.Preprocessor;
import net.imglib2.Cursor;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;

/**
 * Segments raw images with a trained model, as nnU-Net predicts: preprocess with the plan the model was trained with,
 * predict probabilities with a {@link SlidingWindow}, resample them class by class to the original grid
 * ({@link Preprocessor#toOriginal(float[], io.medseg.preprocessing.CaseMapping,
 * io.medseg.preprocessing.ResamplingSettings)}) and take the argmax there, so the label map is as smooth as the
 * probabilities rather than a resampled label map. Outside the region the preprocessing cropped to, the background
 * probability is 1 (nnU-Net's {@code revert_cropping_on_probabilities}).
 *
 * <p>A model whose plan slices volumes (nnU-Net's 2d configuration) predicts them slice by slice
 * ({@link SliceWiseWindow}); a model of 2D images takes a one-slice volume as its 2D image. Either way the label map
 * and probabilities are written with the input's own shape, geometry and header.
 *
 * <p>Class k of the network is the k-th smallest label value of the model's labels (nnU-Net's labels are 0..K−1, so
 * this is the identity for every model MedSeg trains).
 *
 * <p>The label map then gets the model's {@link Postprocessing} (decided on its validation cases when it was trained),
 * unless the predictor was opened without it.
 *
 * <p>A predictor opened from a file owns the network's native memory until {@link #close()}; one built around a
 * network the caller holds (training's final validation) closes nothing.
 */
public final class CasePredictor implements AutoCloseable {
    /** The model file inside a model folder (what the trainer writes). */
    public static final String MODEL_FILE_NAME = "model.medseg";

    private final NetworkConfig config;
    private final ModelMetadata metadata;
    private final SlidingWindow window;
    /** Predicts volumes slice by slice when the model's plan slices them (null otherwise). */
    private final SliceWiseWindow slices;
    private final short[] labelValues;
    private final Postprocessing postprocessing;
    private final NDManager owned;
    private final String source;

    /**
     * A predictor around a network the caller built and holds.
     *
     * @param network initialised, built for {@code metadata.patchSize()}; with deep supervision only the
     *        full-resolution head is used
     * @param metadata labels, patch size and (for raw images) the preprocessing plan
     */
    public CasePredictor(Block network, NetworkConfig config, ModelMetadata metadata, SlidingWindowSettings settings) {
        this(network, config, metadata, settings, true, null, "model");
    }

    private CasePredictor(Block network, NetworkConfig config, ModelMetadata metadata, SlidingWindowSettings settings,
            boolean postprocess, NDManager owned, String source) {
        this.config = config;
        this.metadata = metadata;
        this.postprocessing = postprocess ? metadata.postprocessing() : Postprocessing.NONE;
        this.source = source;
        this.labelValues = labelValues(metadata.labels(), config.classes(), source);
        this.window = new SlidingWindow(network, config.inChannels(), config.classes(), metadata.patchSize(), settings,
                metadata.mirroringAxes());
        PreprocessingPlan plan = metadata.plan();
        this.slices = plan != null && plan.slicesVolumes()
                ? new SliceWiseWindow(window, plan.sliceAxis(), config.inChannels(), config.classes())
                : null;
        this.owned = owned;
    }

    /**
     * Loads a model for prediction on {@code device}, with the model's postprocessing.
     *
     * @param model a model file, or a folder holding {@value #MODEL_FILE_NAME}
     */
    public static CasePredictor open(Path model, Device device, SlidingWindowSettings settings) {
        return open(model, device, settings, true);
    }

    /**
     * Loads a model for prediction on {@code device}.
     *
     * @param model a model file, or a folder holding {@value #MODEL_FILE_NAME}
     * @param postprocess apply the model's stored postprocessing (false: the argmax as it is)
     */
    public static CasePredictor open(Path model, Device device, SlidingWindowSettings settings, boolean postprocess) {
        Path file = modelFile(model);
        ModelFile.Header h = ModelFile.readHeader(file);
        PreprocessingPlan plan = h.metadata().plan();
        if (plan == null) {
            throw new MedSegException(file + ": has no preprocessing plan (a network saved outside training), so new "
                    + "images cannot be prepared as the model expects; predict needs a model trained by MedSeg");
        }
        NetworkConfig stored = h.config();
        long[] patch = h.metadata().patchSize();
        if (patch.length != stored.dims() || plan.dims() != stored.dims()
                || plan.normalization().size() != stored.inChannels()) {
            throw new MedSegException(file + ": damaged model header (patch " + Arrays.toString(patch) + ", "
                    + plan.dims() + "D plan for " + plan.normalization().size() + " channels, " + stored.dims()
                    + "D network for " + stored.inChannels() + ")");
        }
        NDManager manager = DjlEnvironment.pytorch().newBaseManager(device);
        try {
            // every decoder stage has a head whether or not deep supervision is on, so the weights load into a
            // network that evaluates only the full-resolution head: the lower heads would be computed for nothing
            ModelFile.Loaded loaded = ModelFile.load(file, manager,
                    c -> Networks.build(c.withoutDeepSupervision(), patch),
                    c -> Networks.inputShape(c, patch));
            return new CasePredictor(loaded.network(), loaded.config(), loaded.metadata(), settings, postprocess,
                    manager, file.toString());
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The model file a MODEL argument names: the file itself, or {@value #MODEL_FILE_NAME} inside a folder. */
    public static Path modelFile(Path model) {
        if (Files.isDirectory(model)) {
            Path f = model.resolve(MODEL_FILE_NAME);
            if (!Files.isRegularFile(f)) {
                throw new MedSegException(model + ": folder holds no " + MODEL_FILE_NAME
                        + " (expected a model file or a training output folder)");
            }
            return f;
        }
        if (!Files.exists(model)) {
            throw new MedSegException(model + ": no such model file or folder");
        }
        return model;
    }

    public NetworkConfig config() {
        return config;
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    public SlidingWindow slidingWindow() {
        return window;
    }

    /** What this predictor applies to the argmax ({@link Postprocessing#NONE} when opened without it). */
    public Postprocessing postprocessing() {
        return postprocessing;
    }

    /** The model's input channel names in order (from its plan, else its metadata; empty names if neither has them). */
    public List<String> channelNames() {
        Map<String, String> names = metadata.plan() != null ? metadata.plan().channelNames() : metadata.channelNames();
        String[] out = new String[config.inChannels()];
        for (int c = 0; c < out.length; c++) {
            out[c] = names.getOrDefault(String.valueOf(c), "");
        }
        return List.of(out);
    }

    /** {@link #predict(String, List, boolean, TileProgress, BooleanSupplier)} without progress or cancelling. */
    public CasePrediction predict(String id, List<Volume> channels, boolean withProbabilities) {
        return predict(id, channels, withProbabilities, TileProgress.NONE, () -> false);
    }

    /**
     * Segments one case.
     *
     * @param channels the case's input images in channel order (multi-channel volumes count as their channels), all
     *        on the same grid
     * @param withProbabilities also return the per-class probabilities on the original grid
     * @throws CancellationException when {@code cancelled} says so between tile batches
     */
    public CasePrediction predict(String id, List<Volume> channels, boolean withProbabilities, TileProgress progress,
            BooleanSupplier cancelled) {
        PreprocessingPlan plan = metadata.plan();
        if (plan == null) {
            throw new MedSegException(source + ": has no preprocessing plan, cannot predict on raw images");
        }
        // outputs keep the input's own shape, geometry and header, whatever the plan looks at
        Volume output = channels.get(0);
        if (plan.slicesVolumes() && output.spatialDims() == 2) { // a 2D image is one slice to a slicing model
            channels = channels.stream().map(v -> OneSliceVolumes.asVolume(v, plan.sliceAxis())).toList();
        }
        checkInputs(id, channels, plan);
        Volume first = channels.get(0);
        PreprocessedCase pre = Preprocessor.preprocess(id, channels, null, plan);
        float[] probabilities = probabilities(pre.image(), pre.shape(), progress, cancelled);

        // the grid the plan sees (a one-slice volume's 2D image); its flat voxel order is the file's
        long[] shape = Preprocessor.asPlanned(id, first, plan).shape();
        int n = Math.toIntExact(voxels(shape));
        int classes = config.classes();
        int pv = Math.toIntExact(pre.voxels());
        ClassArgmax argmax = new ClassArgmax(n);
        float[] all = withProbabilities ? new float[Math.multiplyExact(classes, n)] : null;
        for (int c = 0; c < classes; c++) {
            float[] map = Arrays.copyOfRange(probabilities, c * pv, (c + 1) * pv);
            float[] back = floats(Preprocessor.toOriginal(map, pre.mapping(), plan.resampling()), n);
            if (c == 0) {
                fillOutside(back, shape, pre.mapping().cropBox(), 1f);
            }
            argmax.accept(back, 0);
            if (all != null) {
                System.arraycopy(back, 0, all, c * n, n);
            }
        }
        short[] values = toLabelValues(argmax.classes());
        if (!postprocessing.isNone()) {
            values = postprocessing.apply(values, Arrays.stream(shape).mapToInt(Math::toIntExact).toArray(),
                    labelValues[0]);
        }
        // written with the input file's own shape, geometry and header
        Volume labels = labelVolume(values, output);
        Volume probs = all == null ? null
                : new Volume(ArrayImgs.floats(all, withAxis(output.shape(), classes)), output.geometry(),
                        ImageDataType.FLOAT32, Volume.Scaling.IDENTITY, output.sourceHeader().orElse(null));
        return new CasePrediction(id, labels, probs, slices != null ? slices.tileCount(pre.shape())
                : window.tileCount(pre.shape()));
    }

    /**
     * Probabilities (classes × voxels) of an already preprocessed image, on its preprocessed grid: what training's
     * final validation scores. A model whose plan slices volumes predicts them slice by slice.
     */
    public float[] probabilities(float[] image, long[] shape, TileProgress progress, BooleanSupplier cancelled) {
        return slices != null ? slices.predict(image, shape, progress, cancelled)
                : window.predict(image, shape, progress, cancelled);
    }

    /** The label value of the most probable class per voxel of classes × voxels probabilities. */
    public short[] segmentation(float[] probabilities) {
        return toLabelValues(ClassArgmax.of(probabilities, config.classes()));
    }

    /** Class indices → the model's label values, in place. */
    private short[] toLabelValues(short[] classes) {
        for (int v = 0; v < classes.length; v++) {
            classes[v] = labelValues[classes[v]];
        }
        return classes;
    }

    @Override
    public void close() {
        if (owned != null) {
            owned.close();
        }
    }

    private void checkInputs(String id, List<Volume> channels, PreprocessingPlan plan) {
        if (channels.isEmpty()) {
            throw new MedSegException("case " + id + ": no input images");
        }
        int count = channels.stream().mapToInt(Volume::channels).sum();
        if (count != config.inChannels()) {
            throw new MedSegException("case " + id + ": " + count + " input channel(s), but the model takes "
                    + config.inChannels() + " " + channelNames());
        }
        Volume first = channels.get(0);
        for (int c = 0; c < channels.size(); c++) {
            Volume v = channels.get(c);
            // a one-slice volume is a 2D image to a model of 2D images, a volume of one slice to the others
            int dims = plan.imageDims() == 2 ? OneSliceVolumes.imageDims(v) : v.spatialDims();
            if (dims != plan.imageDims()) {
                throw new MedSegException("case " + id + ": the image is " + dims + "D " + Arrays.toString(v.shape())
                        + " but the model is " + config.dims() + "D" + (plan.slicesVolumes()
                                ? " (trained on slices of 3D volumes)" : ""));
            }
            if (!Arrays.equals(v.shape(), first.shape())) {
                throw new MedSegException("case " + id + ": channel " + c + " has shape " + Arrays.toString(v.shape())
                        + ", channel 0 " + Arrays.toString(first.shape()));
            }
            // as loose as float32 header rounding, far below a voxel
            if (!v.geometry().approximatelyEquals(first.geometry(), 1e-3)) {
                throw new MedSegException("case " + id + ": channel " + c + " has another geometry than channel 0");
            }
        }
    }

    /** The model's label values as a volume, stored as uint8 when they fit (as nnU-Net writes), else int16. */
    private Volume labelVolume(short[] values, Volume first) {
        long[] dims = withAxis(first.shape(), 1);
        int max = 0;
        int min = 0;
        for (short v : labelValues) {
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        if (min >= 0 && max <= 255) {
            byte[] b = new byte[values.length];
            for (int v = 0; v < b.length; v++) {
                b[v] = (byte) values[v];
            }
            return new Volume(ArrayImgs.unsignedBytes(b, dims), first.geometry(), ImageDataType.UINT8,
                    Volume.Scaling.IDENTITY, first.sourceHeader().orElse(null));
        }
        return new Volume(ArrayImgs.shorts(values, dims), first.geometry(), ImageDataType.INT16, Volume.Scaling.IDENTITY,
                first.sourceHeader().orElse(null));
    }

    static short[] labelValues(Map<String, Integer> labels, int classes, String source) {
        short[] values = new short[classes];
        if (labels.isEmpty()) {
            for (int c = 0; c < classes; c++) {
                values[c] = (short) c;
            }
            return values;
        }
        TreeSet<Integer> sorted = new TreeSet<>(labels.values());
        if (sorted.size() != classes || sorted.first() < Short.MIN_VALUE || sorted.last() > Short.MAX_VALUE) {
            throw new MedSegException(source + ": declares the labels " + sorted + " but its network predicts "
                    + classes + " classes");
        }
        int c = 0;
        for (int v : sorted) {
            values[c++] = (short) v;
        }
        return values;
    }

    /** A single-channel volume's values in flat order (first axis fastest). */
    private static float[] floats(Volume v, int n) {
        float[] out = new float[n];
        Cursor<? extends RealType<?>> c = Views.flatIterable(v.pixels()).cursor();
        for (int i = 0; i < n; i++) {
            out[i] = c.next().getRealFloat();
        }
        return out;
    }

    /** Sets every voxel outside {@code box} (first axis fastest layout) to {@code value}. */
    private static void fillOutside(float[] map, long[] shape, CropBox box, float value) {
        if (Arrays.equals(box.shape(), shape)) {
            return;
        }
        int[] s = SlidingWindow.three(shape);
        long[] lo = Arrays.copyOf(box.start(), 3);
        long[] hi = Arrays.copyOf(box.end(), 3);
        if (shape.length == 2) {
            hi[2] = 1;
        }
        int v = 0;
        for (int k = 0; k < s[2]; k++) {
            boolean kIn = k >= lo[2] && k < hi[2];
            for (int j = 0; j < s[1]; j++) {
                boolean jkIn = kIn && j >= lo[1] && j < hi[1];
                for (int i = 0; i < s[0]; i++, v++) {
                    if (!(jkIn && i >= lo[0] && i < hi[0])) {
                        map[v] = value;
                    }
                }
            }
        }
    }

    private static long voxels(long[] shape) {
        long v = 1;
        for (long s : shape) {
            v = Math.multiplyExact(v, s);
        }
        return v;
    }

    private static long[] withAxis(long[] shape, int channels) {
        long[] d = Arrays.copyOf(shape, shape.length + 1);
        d[shape.length] = channels;
        return d;
    }
}
