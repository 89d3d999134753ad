package io.medseg.inference;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import io.medseg.image.Geometry;
import io.medseg.image.Volume;
import io.medseg.model.ModelFile;
import io.medseg.model.ModelMetadata;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.NetworkConfig;
import io.medseg.nn.networks.Networks;
import io.medseg.preprocessing.ChannelNormalization;
import io.medseg.preprocessing.PreprocessingPlan;
import io.medseg.preprocessing.ResamplingSettings;
import net.imglib2.img.array.ArrayImgs;

/** Tiny trained-looking models (residual UNet, randomly initialised, with a plan) and images for prediction tests. */
public final class TestModels {
    /** Labels of every test model: three classes. */
    public static final Map<String, Integer> LABELS = labels();

    private TestModels() {
    }

    private static Map<String, Integer> labels() {
        Map<String, Integer> l = new LinkedHashMap<>();
        l.put("background", 0);
        l.put("organ", 1);
        l.put("lesion", 2);
        return java.util.Collections.unmodifiableMap(l);
    }

    /** An initialised residual UNet (deep supervision on, as trained) for the patch. */
    public static Block network(NDManager manager, int channels, long[] patch) {
        NetworkConfig config = config(channels, patch);
        Block net = Networks.build(config, patch);
        net.initialize(manager, DataType.FLOAT32, Networks.inputShape(config, patch));
        return net;
    }

    public static NetworkConfig config(int channels, long[] patch) {
        return Networks.defaultConfig(Architecture.RESIDUAL_UNET, patch.length, channels, LABELS.size(), patch);
    }

    /**
     * A plan with z-score normalisation, no cropping, and the given target spacing (images of another spacing are
     * resampled, so predictions exercise the way back to the original grid).
     */
    public static PreprocessingPlan plan(int channels, long[] patch, double[] targetSpacing) {
        Map<String, String> names = new LinkedHashMap<>();
        List<ChannelNormalization> norm = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            names.put(String.valueOf(c), c == 0 ? "CT" : "PET");
            norm.add(ChannelNormalization.zscore());
        }
        return new PreprocessingPlan(patch.length, names, LABELS, targetSpacing, false, norm, ResamplingSettings.NNUNET,
                patch, 2, config(channels, patch), 1L << 30);
    }

    /** Saves a model with a plan (null: a bare network) and returns its file. */
    public static Path save(Path file, NDManager manager, int channels, long[] patch, double[] targetSpacing,
            boolean withPlan) {
        NetworkConfig config = config(channels, patch);
        PreprocessingPlan plan = withPlan ? plan(channels, patch, targetSpacing) : null;
        ModelMetadata meta = new ModelMetadata(LABELS, plan == null ? Map.of("0", "CT") : plan.channelNames(), patch,
                Map.of(), Map.of("medseg", "test"), Map.of(), plan);
        ModelFile.save(file, config, meta, network(manager, channels, patch), false);
        return file;
    }

    /** A smooth test image (a bright disc or ball on a darker background) with the given geometry. */
    public static Volume image(long[] shape, Geometry geometry, long seed) {
        int n = 1;
        for (long s : shape) {
            n *= (int) s;
        }
        float[] v = new float[n];
        java.util.Random r = new java.util.Random(seed);
        int i = 0;
        long nk = shape.length == 3 ? shape[2] : 1;
        for (long k = 0; k < nk; k++) {
            for (long y = 0; y < shape[1]; y++) {
                for (long x = 0; x < shape[0]; x++) {
                    double dx = (x - shape[0] / 2.0) / shape[0];
                    double dy = (y - shape[1] / 2.0) / shape[1];
                    double dz = shape.length == 3 ? (k - nk / 2.0) / nk : 0;
                    boolean inside = dx * dx + dy * dy + dz * dz < 0.09;
                    v[i++] = (float) ((inside ? 200 : 40) + 10 * r.nextGaussian());
                }
            }
        }
        long[] dims = java.util.Arrays.copyOf(shape, shape.length + 1);
        dims[shape.length] = 1;
        return Volume.of(ArrayImgs.floats(v, dims), geometry);
    }

    /** A 2D geometry with non-unit spacing, an origin and a flipped first axis, to see it survive prediction. */
    public static Geometry geometry2d() {
        return Geometry.of(new double[] { 0.8, 1.25 }, new double[] { 12.5, -30, 4 },
                new double[][] { { -1, 0 }, { 0, 1 } });
    }
}
