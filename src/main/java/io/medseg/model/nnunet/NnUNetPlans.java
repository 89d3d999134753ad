package io.medseg.model.nnunet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.medseg.MedSegException;
import io.medseg.io.AtomicFiles;
import io.medseg.nn.networks.BackbonePlan;

/**
 * What MedSeg takes from an nnU-Net v2 {@code plans.json}: for one configuration its patch size, spacing,
 * normalisation, resampling orders and network topology, and the plans' axis transpose, image reader and per-channel
 * foreground intensity properties. Both plan formats are read: the flat one of nnU-Net up to 2.3 (conv_kernel_sizes,
 * pool_op_kernel_sizes, UNet_base_num_features, n_conv_per_stage_encoder, ...), on which the released LightM-UNet,
 * U-Mamba and xLSTM-UNet code runs, and the {@code architecture.arch_kwargs} of later versions. Per-axis values are
 * in nnU-Net's (transposed) array order.
 */
public final class NnUNetPlans {
    private final Path path;
    private final JsonObject root;

    private NnUNetPlans(Path path, JsonObject root) {
        this.path = path;
        this.root = root;
    }

    public static NnUNetPlans read(Path path) {
        try {
            JsonElement e = JsonParser.parseString(Files.readString(path));
            if (!e.isJsonObject() || !e.getAsJsonObject().has("configurations")) {
                throw new MedSegException(path + ": not nnU-Net plans (no \"configurations\")");
            }
            return new NnUNetPlans(path, e.getAsJsonObject());
        } catch (IOException ex) {
            throw new MedSegException(path + ": cannot read (" + AtomicFiles.describe(ex) + ")", ex);
        } catch (RuntimeException ex) {
            if (ex instanceof MedSegException m) {
                throw m;
            }
            throw new MedSegException(path + ": not valid JSON (" + ex.getMessage() + ")", ex);
        }
    }

    public Path path() {
        return path;
    }

    /** The permutation nnU-Net applies to the image array before everything else. */
    public int[] transposeForward() {
        return root.has("transpose_forward") ? ints(root.getAsJsonArray("transpose_forward"), "transpose_forward")
                : new int[] { 0, 1, 2 };
    }

    /** The image reader the dataset was planned with, e.g. SimpleITKIO; it decides the array's axis order. */
    public String imageReader() {
        return root.has("image_reader_writer") ? root.get("image_reader_writer").getAsString() : "SimpleITKIO";
    }

    /** The median shape of the training images after transposing: its first entry is 1 for 2D images. */
    public long[] medianShape() {
        return root.has("original_median_shape_after_transp")
                ? longs(root.getAsJsonArray("original_median_shape_after_transp"), "original_median_shape_after_transp")
                : new long[0];
    }

    /**
     * A channel's foreground intensity properties (CT normalisation): mean, std, percentile_00_5, percentile_99_5.
     */
    public double[] intensityProperties(int channel) {
        JsonObject all = root.has("foreground_intensity_properties_per_channel")
                ? root.getAsJsonObject("foreground_intensity_properties_per_channel")
                : root.getAsJsonObject("foreground_intensity_properties_by_modality");
        if (all == null || !all.has(String.valueOf(channel))) {
            throw new MedSegException(path + ": no foreground_intensity_properties_per_channel for channel " + channel
                    + ", which its CT normalisation needs");
        }
        JsonObject p = all.getAsJsonObject(String.valueOf(channel));
        double[] out = new double[4];
        String[] names = { "mean", "std", "percentile_00_5", "percentile_99_5" };
        for (int i = 0; i < names.length; i++) {
            if (!p.has(names[i])) {
                throw new MedSegException(path + ": foreground intensity properties of channel " + channel + " lack "
                        + names[i]);
            }
            out[i] = p.get(names[i]).getAsDouble();
        }
        return out;
    }

    /** One configuration (e.g. "2d", "3d_fullres"), with what it inherits from another. */
    public Configuration configuration(String name) {
        JsonObject configs = root.getAsJsonObject("configurations");
        if (!configs.has(name)) {
            throw new MedSegException(path + ": no configuration \"" + name + "\" (the plans have "
                    + String.join(", ", configs.keySet()) + ")");
        }
        JsonObject c = configs.getAsJsonObject(name).deepCopy();
        for (int depth = 0; c.has("inherits_from") && depth < 8; depth++) {
            String parent = c.remove("inherits_from").getAsString();
            if (!configs.has(parent)) {
                throw new MedSegException(path + ": configuration \"" + name + "\" inherits from the missing \""
                        + parent + "\"");
            }
            JsonObject merged = configs.getAsJsonObject(parent).deepCopy();
            c.entrySet().forEach(e -> merged.add(e.getKey(), e.getValue()));
            c = merged;
        }
        if (c.has("previous_stage")) {
            throw new MedSegException(path + ": configuration \"" + name + "\" is the second stage of a cascade (it takes"
                    + " the segmentation of " + c.get("previous_stage").getAsString() + " as extra input); MedSeg imports"
                    + " single-stage configurations (2d, 3d_fullres, 3d_lowres)");
        }
        return new Configuration(name, c);
    }

    /** One configuration's settings. */
    public final class Configuration {
        private final String name;
        private final JsonObject c;

        private Configuration(String name, JsonObject c) {
            this.name = name;
            this.c = c;
        }

        public String name() {
            return name;
        }

        public long[] patchSize() {
            return longs(field("patch_size").getAsJsonArray(), "patch_size");
        }

        public double[] spacing() {
            JsonArray a = field("spacing").getAsJsonArray();
            double[] out = new double[a.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = a.get(i).getAsDouble();
            }
            return out;
        }

        public int dims() {
            return patchSize().length;
        }

        public List<String> normalizationSchemes() {
            List<String> out = new ArrayList<>();
            field("normalization_schemes").getAsJsonArray().forEach(e -> out.add(e.getAsString()));
            return out;
        }

        public boolean useMaskForNorm(int channel) {
            JsonArray a = c.has("use_mask_for_norm") ? c.getAsJsonArray("use_mask_for_norm") : null;
            return a != null && channel < a.size() && a.get(channel).getAsBoolean();
        }

        /** The interpolation order nnU-Net resamples images with, in-plane and out of plane (3 and 0 by default). */
        public int[] imageResamplingOrders() {
            JsonObject kw = c.has("resampling_fn_data_kwargs") ? c.getAsJsonObject("resampling_fn_data_kwargs") : null;
            int order = kw != null && kw.has("order") ? kw.get("order").getAsInt() : 3;
            int orderZ = kw != null && kw.has("order_z") ? kw.get("order_z").getAsInt() : 0;
            return new int[] { order, orderZ };
        }

        /**
         * The residual backbone's topology as the released U-Mamba and xLSTM-UNet trainers read it: features
         * min(base·2^s, max) per stage (or the newer plans' features_per_stage), conv kernels, pooling strides and
         * blocks per encoder and decoder stage (before those trainers' override of the deep stages to one block,
         * which MedSeg's networks apply themselves).
         */
        public BackbonePlan backbone() {
            long[][] kernels;
            long[][] strides;
            int[] features;
            int[] blocks;
            int[] decoder;
            if (c.has("architecture")) {
                JsonObject kw = c.getAsJsonObject("architecture").getAsJsonObject("arch_kwargs");
                kernels = longMatrix(kw, "kernel_sizes");
                strides = longMatrix(kw, "strides");
                features = ints(kw.getAsJsonArray("features_per_stage"), "features_per_stage");
                blocks = ints(kw.has("n_blocks_per_stage") ? kw.getAsJsonArray("n_blocks_per_stage")
                        : kw.getAsJsonArray("n_conv_per_stage"), "n_conv_per_stage");
                decoder = ints(kw.getAsJsonArray("n_conv_per_stage_decoder"), "n_conv_per_stage_decoder");
            } else {
                kernels = longMatrix(c, "conv_kernel_sizes");
                strides = longMatrix(c, "pool_op_kernel_sizes");
                int base = field("UNet_base_num_features").getAsInt();
                int max = field("unet_max_num_features").getAsInt();
                features = new int[kernels.length];
                for (int s = 0; s < features.length; s++) {
                    features[s] = (int) Math.min((long) base << s, max);
                }
                blocks = ints(field("n_conv_per_stage_encoder").getAsJsonArray(), "n_conv_per_stage_encoder");
                decoder = ints(field("n_conv_per_stage_decoder").getAsJsonArray(), "n_conv_per_stage_decoder");
            }
            try {
                return new BackbonePlan(features, kernels, strides, blocks, decoder);
            } catch (MedSegException e) {
                throw new MedSegException(path + ": configuration \"" + name + "\": " + e.getMessage(), e);
            }
        }

        /**
         * The network class the plans name: the newer plans' architecture.network_class_name, else the flat plans'
         * UNet_class_name; null if neither is there. Trainers of other networks (U-Mamba, ...) ignore it.
         */
        public String networkClass() {
            if (c.has("architecture")) {
                JsonObject a = c.getAsJsonObject("architecture");
                JsonObject kw = a.getAsJsonObject("arch_kwargs");
                if (kw != null) {
                    checkKwarg(kw, "conv_bias", "true");
                    checkKwarg(kw, "norm_op", "InstanceNorm");
                    checkKwarg(kw, "nonlin", "LeakyReLU");
                    checkKwarg(kw, "dropout_op", "null");
                    if (kw.has("norm_op_kwargs") && kw.get("norm_op_kwargs").isJsonObject()) {
                        JsonObject norm = kw.getAsJsonObject("norm_op_kwargs");
                        if (norm.has("eps") && Math.abs(norm.get("eps").getAsDouble() - 1e-5) > 1e-12
                                || norm.has("affine") && !norm.get("affine").getAsBoolean()) {
                            throw new MedSegException(path + ": configuration \"" + name + "\" sets norm_op_kwargs "
                                    + norm + "; MedSeg imports nnU-Net's default {eps: 1e-05, affine: true}");
                        }
                    }
                }
                return a.get("network_class_name").getAsString();
            }
            return c.has("UNet_class_name") ? c.get("UNet_class_name").getAsString() : null;
        }

        /** nnU-Net's defaults, which MedSeg's networks implement: anything else is refused by name. */
        private void checkKwarg(JsonObject kw, String key, String expected) {
            if (!kw.has(key)) {
                return;
            }
            String value = kw.get(key).isJsonNull() ? "null" : kw.get(key).getAsString();
            if (!value.contains(expected)) {
                throw new MedSegException(path + ": configuration \"" + name + "\" sets " + key + " " + value
                        + "; MedSeg imports nnU-Net's default (" + expected + ")");
            }
        }

        private JsonElement field(String key) {
            if (!c.has(key) || c.get(key).isJsonNull()) {
                throw new MedSegException(path + ": configuration \"" + name + "\" has no " + key);
            }
            return c.get(key);
        }

        private long[][] longMatrix(JsonObject o, String key) {
            if (!o.has(key)) {
                throw new MedSegException(path + ": configuration \"" + name + "\" has no " + key);
            }
            JsonArray a = o.getAsJsonArray(key);
            long[][] out = new long[a.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = longs(a.get(i).getAsJsonArray(), key);
            }
            return out;
        }
    }

    private long[] longs(JsonArray a, String key) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsLong();
        }
        return out;
    }

    private int[] ints(JsonArray a, String key) {
        if (a == null) {
            throw new MedSegException(path + ": plans have no " + key);
        }
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }
}
