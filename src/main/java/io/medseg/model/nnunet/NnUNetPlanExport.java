package io.medseg.model.nnunet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.medseg.MedSegException;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.BackbonePlan;
import io.medseg.nn.networks.NetworkConfig;
import io.medseg.preprocessing.ChannelNormalization;
import io.medseg.preprocessing.PreprocessingPlan;

/**
 * A MedSeg plan as nnU-Net v2's {@code plans.json} and {@code dataset.json}: the inverse of {@link NnUNetPlanImport}.
 * Images are declared as SimpleITK reads them ((z, y, x), MedSeg's (i, j, k) reversed), and transpose_forward puts
 * the network's axes in the order it was trained in, so nnU-Net feeds the network exactly what MedSeg does. The
 * sequence-model trainers read the flat plan keys of nnU-Net ≤ 2.3; nnU-Net's own networks get the architecture entry
 * of later versions.
 */
final class NnUNetPlanExport {
    private final PreprocessingPlan plan;
    private final String configuration;

    NnUNetPlanExport(PreprocessingPlan plan, String configuration) {
        this.plan = plan;
        this.configuration = configuration;
    }

    /** transpose_forward: network axis n is the SimpleITK array axis tf[n] (after a 2d configuration's slice axis). */
    int[] transposeForward() {
        NetworkConfig network = plan.network();
        int dims = network.dims();
        int[] order = network.axisOrder() == null ? IntStream.range(0, dims).toArray() : network.axisOrder();
        int[] tf = new int[3];
        if (dims == 3) {
            for (int n = 0; n < 3; n++) {
                tf[n] = 2 - order[n];
            }
        } else if (plan.slicesVolumes()) {
            int slice = plan.sliceAxis();
            tf[0] = 2 - slice;
            for (int n = 0; n < 2; n++) {
                tf[n + 1] = 2 - (order[n] < slice ? order[n] : order[n] + 1);
            }
        } else { // 2D images: SimpleITK's (1, y, x)
            tf[0] = 0;
            for (int n = 0; n < 2; n++) {
                tf[n + 1] = 2 - order[n];
            }
        }
        return tf;
    }

    Map<String, Object> plans() {
        NetworkConfig network = plan.network();
        int[] tf = transposeForward();
        int[] backward = new int[3];
        for (int a = 0; a < 3; a++) {
            backward[tf[a]] = a;
        }
        long[] patch = network.toNetworkOrder(plan.patchSize());
        double[] spacing = network.toNetworkOrder(plan.targetSpacing());
        List<Long> medianShape = new ArrayList<>();
        List<Double> medianSpacing = new ArrayList<>();
        if (network.dims() == 2) { // the first (sliced) axis: 1 voxel for 2D images, unknown depth for volumes
            medianShape.add(plan.slicesVolumes() ? Math.max(2, patch[0]) : 1L);
            medianSpacing.add(plan.slicesVolumes() ? spacing[0] : 999.0);
        }
        for (int n = 0; n < patch.length; n++) {
            medianShape.add(patch[n]);
            medianSpacing.add(spacing[n]);
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("data_identifier", "nnUNetPlans_" + configuration);
        c.put("preprocessor_name", "DefaultPreprocessor");
        c.put("batch_size", plan.batchSize());
        c.put("patch_size", patch);
        c.put("median_image_size_in_voxels", patch);
        c.put("spacing", spacing);
        List<String> schemes = new ArrayList<>();
        List<Boolean> masked = new ArrayList<>();
        Map<String, Object> intensities = new LinkedHashMap<>();
        for (int ch = 0; ch < plan.normalization().size(); ch++) {
            ChannelNormalization n = plan.normalization().get(ch);
            schemes.add(switch (n.scheme()) {
            case CT -> "CTNormalization";
            case ZSCORE -> "ZScoreNormalization";
            case NONE -> "NoNormalization";
            });
            masked.add(n.useMaskForNorm());
            // nnU-Net looks these up for every channel; only CTNormalization reads them
            intensities.put(String.valueOf(ch), Map.of("mean", n.mean(), "std", n.std(), "percentile_00_5",
                    finite(n.lower()), "percentile_99_5", finite(n.upper())));
        }
        c.put("normalization_schemes", schemes);
        c.put("use_mask_for_norm", masked);
        Map<String, Object> data = resampling(false, plan.resampling().imageOrder(), plan.resampling().outOfPlaneOrder());
        c.put("resampling_fn_data", "resample_data_or_seg_to_shape");
        c.put("resampling_fn_seg", "resample_data_or_seg_to_shape");
        c.put("resampling_fn_data_kwargs", data);
        c.put("resampling_fn_seg_kwargs", resampling(true, 1, 0));
        c.put("resampling_fn_probabilities", "resample_data_or_seg_to_shape");
        c.put("resampling_fn_probabilities_kwargs", resampling(false, 1, 0));
        topology(c, network, patch.length);
        c.put("batch_dice", true);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("dataset_name", "Dataset000_MedSeg");
        root.put("plans_name", "nnUNetPlans");
        root.put("original_median_spacing_after_transp", medianSpacing);
        root.put("original_median_shape_after_transp", medianShape);
        root.put("image_reader_writer", "SimpleITKIO");
        root.put("transpose_forward", tf);
        root.put("transpose_backward", backward);
        root.put("configurations", Map.of(configuration, c));
        root.put("experiment_planner_used", "MedSeg");
        root.put("label_manager", "LabelManager");
        root.put("foreground_intensity_properties_per_channel", intensities);
        return root;
    }

    Map<String, Object> dataset() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("channel_names", plan.channelNames());
        d.put("labels", plan.labels());
        d.put("numTraining", 0);
        d.put("file_ending", ".nii.gz");
        return d;
    }

    /** The backbone's topology: flat keys for the sequence-model trainers, the architecture entry for nnU-Net's nets. */
    private static void topology(Map<String, Object> c, NetworkConfig network, int dims) {
        BackbonePlan p = network.plan() != null ? network.plan() : lightMTopology(dims);
        Architecture a = network.architecture();
        if (a.importOnly()) {
            Map<String, Object> kw = new LinkedHashMap<>();
            kw.put("n_stages", p.stages());
            kw.put("features_per_stage", p.features());
            kw.put("conv_op", "torch.nn.modules.conv.Conv" + dims + "d");
            kw.put("kernel_sizes", p.kernels());
            kw.put("strides", p.strides());
            kw.put(a == Architecture.RESENC_UNET ? "n_blocks_per_stage" : "n_conv_per_stage", p.blocksPerStage());
            kw.put("n_conv_per_stage_decoder", p.blocksPerDecoderStage());
            kw.put("conv_bias", true);
            kw.put("norm_op", "torch.nn.modules.instancenorm.InstanceNorm" + dims + "d");
            kw.put("norm_op_kwargs", Map.of("eps", 1e-5, "affine", true));
            kw.put("dropout_op", null);
            kw.put("dropout_op_kwargs", null);
            kw.put("nonlin", "torch.nn.LeakyReLU");
            kw.put("nonlin_kwargs", Map.of("inplace", true));
            Map<String, Object> arch = new LinkedHashMap<>();
            arch.put("network_class_name", "dynamic_network_architectures.architectures.unet."
                    + (a == Architecture.RESENC_UNET ? "ResidualEncoderUNet" : "PlainConvUNet"));
            arch.put("arch_kwargs", kw);
            arch.put("_kw_requires_import", List.of("conv_op", "norm_op", "dropout_op", "nonlin"));
            c.put("architecture", arch);
            return;
        }
        int[] f = p.features();
        int max = f[f.length - 1];
        for (int s = 0; s < f.length; s++) {
            if (f[s] != Math.min((long) f[0] << s, max)) {
                throw new MedSegException("features " + Arrays.toString(f) + " are not min(base·2^s, max),"
                        + " which the flat plans of the released trainers cannot express");
            }
        }
        c.put("UNet_class_name", "PlainConvUNet");
        c.put("UNet_base_num_features", f[0]);
        c.put("unet_max_num_features", max);
        c.put("n_conv_per_stage_encoder", p.blocksPerStage());
        c.put("n_conv_per_stage_decoder", p.blocksPerDecoderStage());
        c.put("num_pool_per_axis", Collections.nCopies(dims, f.length - 1));
        c.put("pool_op_kernel_sizes", p.strides());
        c.put("conv_kernel_sizes", p.kernels());
    }

    /** LightM-UNet's trainer fixes its topology and reads only the patch; the plans still need one to be valid. */
    private static BackbonePlan lightMTopology(int dims) {
        int n = 4;
        long[][] kernels = new long[n][];
        long[][] strides = new long[n][];
        for (int s = 0; s < n; s++) {
            kernels[s] = filled(dims, 3);
            strides[s] = filled(dims, s == 0 ? 1 : 2);
        }
        return new BackbonePlan(new int[] { 32, 64, 128, 256 }, kernels, strides, new int[] { 2, 2, 2, 2 },
                new int[] { 2, 2, 2 });
    }

    private static Map<String, Object> resampling(boolean seg, int order, int orderZ) {
        Map<String, Object> kw = new LinkedHashMap<>();
        kw.put("is_seg", seg);
        kw.put("order", order);
        kw.put("order_z", orderZ);
        kw.put("force_separate_z", null);
        return kw;
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0.0;
    }

    private static long[] filled(int n, long v) {
        long[] a = new long[n];
        Arrays.fill(a, v);
        return a;
    }
}
