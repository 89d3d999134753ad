package io.medseg.model.nnunet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.medseg.MedSegException;
import io.medseg.dataset.DatasetDescriptor;
import io.medseg.model.ModelMetadata;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.NetworkConfig;
import io.medseg.preprocessing.ChannelNormalization;
import io.medseg.preprocessing.NormalizationScheme;
import io.medseg.preprocessing.PlannerSettings;
import io.medseg.preprocessing.PreprocessingPlan;
import io.medseg.preprocessing.ResamplingSettings;

/**
 * An nnU-Net configuration as a MedSeg preprocessing plan and network config. The one subtle part is the axis order:
 * nnU-Net's arrays are what its image reader returns (SimpleITK: (z, y, x), i.e. MedSeg's (i, j, k) reversed; nibabel:
 * (i, j, k)), transposed by the plans' transpose_forward; a 2D configuration of 3D images slices the transposed
 * array's first axis. The network keeps the axis order it was trained in ({@link NetworkConfig#axisOrder()}), since
 * kernels and the order in which sequence layers read voxels depend on it; patch size and spacing are stored in
 * MedSeg's order.
 */
final class NnUNetPlanImport {
    private final NnUNetPlans plans;
    private final NnUNetPlans.Configuration configuration;
    private final DatasetDescriptor dataset;
    private final Architecture architecture;
    private final int folds;
    /** Network axis n is MedSeg image (or slice) axis order[n]. */
    private final int[] order;
    private final Integer sliceAxis;

    NnUNetPlanImport(NnUNetPlans plans, NnUNetPlans.Configuration configuration, DatasetDescriptor dataset,
            Architecture architecture, int folds) {
        this.plans = plans;
        this.configuration = configuration;
        this.dataset = dataset;
        this.architecture = architecture;
        this.folds = folds;
        int dims = configuration.dims();
        int[] transpose = plans.transposeForward();
        long[] median = plans.medianShape();
        boolean images2d = median.length == 3 && median[0] == 1 && transpose[0] == 0;
        order = new int[dims];
        if (images2d) { // nnU-Net reads 2D images as (1, y, x): array axes 1, 2 are MedSeg's j, i
            if (dims != 2) {
                throw new MedSegException(plans.path() + ": configuration \"" + configuration.name()
                        + "\" is 3D but the dataset's images are 2D");
            }
            for (int n = 0; n < 2; n++) {
                order[n] = 2 - transpose[n + 1];
            }
            sliceAxis = null;
        } else if (dims == 3) {
            for (int n = 0; n < 3; n++) {
                order[n] = fileAxis(transpose[n]);
            }
            sliceAxis = null;
        } else { // a 2D network on slices across the transposed array's first axis
            sliceAxis = fileAxis(transpose[0]);
            for (int n = 0; n < 2; n++) {
                int axis = fileAxis(transpose[n + 1]);
                order[n] = axis < sliceAxis ? axis : axis - 1; // its place among the slice's two axes
            }
        }
    }

    /** MedSeg's file axis of nnU-Net array axis {@code a} of a 3D image, as the plans' image reader orders them. */
    private int fileAxis(int a) {
        String reader = plans.imageReader();
        return switch (reader) {
        case "SimpleITKIO", "SimpleITKWithOrientationIO" -> 2 - a;
        case "NibabelIO" -> a;
        default -> throw new MedSegException(plans.path() + ": image_reader_writer " + reader + " is not supported;"
                + " MedSeg imports plans of SimpleITKIO and NibabelIO (NibabelIOWithReorient reorients images to"
                + " RAS first, which MedSeg does not)");
        };
    }

    PreprocessingPlan plan() {
        // nnU-Net's "ignore" label only masks the training loss: it is not a class the network predicts
        Map<String, Integer> labels = new LinkedHashMap<>(dataset.labels());
        labels.remove("ignore");
        int classes = labels.size();
        NetworkConfig network = new NetworkConfig(architecture, configuration.dims(), dataset.channelNames().size(),
                classes, architecture.usesBackbonePlan() ? configuration.backbone() : null, false, order,
                folds > 1 ? folds : null);
        long[] patch = network.toImageOrder(configuration.patchSize());
        double[] spacing = network.toImageOrder(configuration.spacing());
        int[] orders = configuration.imageResamplingOrders();
        ResamplingSettings resampling = new ResamplingSettings(orders[0],
                ResamplingSettings.LabelResampling.LINEAR_ARGMAX, 3.0, orders[1]);
        return new PreprocessingPlan(configuration.dims(), dataset.channelNames(), labels, spacing, true,
                normalization(), resampling, patch, 1, network, PlannerSettings.DEFAULT_MEMORY, sliceAxis);
    }

    /**
     * The model's metadata. Its versions say where the weights come from, not MedSeg's engine: the training device is
     * not in an nnU-Net checkpoint, and configuring a KNIME node must not need the engine.
     */
    ModelMetadata metadata(Map<String, String> notes) {
        PreprocessingPlan plan = plan();
        Map<String, String> normalisation = new LinkedHashMap<>();
        for (int c = 0; c < plan.normalization().size(); c++) {
            normalisation.put(String.valueOf(c), plan.normalization().get(c).describe());
        }
        return new ModelMetadata(plan.labels(), plan.channelNames(), plan.patchSize(), normalisation,
                Map.of("trainer", notes.getOrDefault("trainer", ""), "device", "unknown (imported from nnU-Net)"), notes,
                plan);
    }

    private List<ChannelNormalization> normalization() {
        List<String> schemes = configuration.normalizationSchemes();
        int channels = dataset.channelNames().size();
        if (schemes.size() != channels) {
            throw new MedSegException(plans.path() + ": " + schemes.size() + " normalization_schemes for "
                    + channels + " channels in dataset.json");
        }
        List<ChannelNormalization> out = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            out.add(switch (schemes.get(c)) {
            case "CTNormalization" -> {
                double[] p = plans.intensityProperties(c);
                yield ChannelNormalization.ct(p[0], p[1], p[2], p[3]);
            }
            case "ZScoreNormalization" -> ChannelNormalization.zscore(configuration.useMaskForNorm(c));
            case "NoNormalization" -> new ChannelNormalization(NormalizationScheme.NONE, 0, 1,
                    Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, false);
            default -> throw new MedSegException(plans.path() + ": normalization scheme " + schemes.get(c)
                    + " of channel " + c + " is not supported (MedSeg has CTNormalization, ZScoreNormalization"
                    + " and NoNormalization)");
            });
        }
        return out;
    }
}
