package io.medseg.preprocessing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.medseg.MedSegException;
import io.medseg.nn.networks.Architecture;
import io.medseg.nn.networks.BackbonePlan;
import io.medseg.nn.networks.NetworkConfig;
import io.medseg.nn.networks.Networks;

/**
 * Derives a {@link PreprocessingPlan} from a fingerprint the way nnU-Net's experiment planner does: median target
 * spacing with the anisotropy rule, the largest patch (from the median resampled shape down) that fits the memory
 * budget with a batch of 2, then the largest batch that fits, capped by nnU-Net's 5%-of-the-dataset rule. A 2D plan
 * of a 3D dataset is nnU-Net's 2d configuration: the same rules on the slices (see {@link #sliceAxis(double[])}).
 */
public final class Planner {
    /** nnU-Net: an axis counts as anisotropic when its spacing is more than 3 times the others'. */
    static final double ANISOTROPY = 3.0;
    /** nnU-Net's smallest batch: batch norm-free instance norm still trains poorly on single samples. */
    static final int MIN_BATCH = 2;
    /** nnU-Net: one batch should cover at most 5% of the dataset's voxels, or the model overfits small datasets. */
    static final double MAX_DATASET_COVERED = 0.05;
    /**
     * nnU-Net normalises z-score channels within the non-zero mask when cropping to it shrank the median case to less
     * than this fraction of its voxels: then the zeros are a large background around the object (skull-stripped or
     * masked MRI) that would otherwise dominate the statistics.
     */
    static final double MASK_FOR_NORM_BELOW = 0.75;
    /** The divisor LightM-UNet needs: its fixed encoder downsamples 3 times by 2. */
    static final long LIGHTM_DIVISOR = io.medseg.nn.networks.lightm.LightMUNet.DEFAULT_SIZE_DIVISOR;

    private Planner() {
    }

    /** The plan for the fingerprint and the given network (which replaces the one in settings). */
    public static PreprocessingPlan plan(DatasetFingerprint fp, Architecture architecture, PlannerSettings settings) {
        return plan(fp, settings.withArchitecture(architecture));
    }

    public static PreprocessingPlan plan(DatasetFingerprint fp, PlannerSettings settings) {
        int imageDims = fp.dims();
        int dims = settings.dims() != null ? settings.dims() : imageDims;
        checkDims(fp, dims, "dims");
        if (fp.cases().size() < 2) {
            throw new MedSegException("the planner needs at least 2 training cases, the fingerprint has "
                    + fp.cases().size());
        }
        boolean crop = settings.cropToNonzero() == null || settings.cropToNonzero();
        Integer sliceAxis = null;
        double[] spacing;
        double[] median;
        double[] datasetMedian; // for the 5% rule: the dataset's voxels, which for slices are still the volumes'
        if (dims == imageDims) {
            spacing = settings.targetSpacing() != null ? settings.targetSpacing() : targetSpacing(fp);
            checkSpacing(spacing, dims, dims + "D dataset");
            median = medianResampledShape(fp, spacing, crop);
            datasetMedian = median;
        } else {
            // nnU-Net's 2d configuration: the full-resolution target spacing decides the slice axis (its coarsest),
            // the in-plane axes keep their target spacing and start the patch search at the median in-plane shape
            double[] full = targetSpacing(fp);
            sliceAxis = sliceAxis(full);
            spacing = settings.targetSpacing() != null ? settings.targetSpacing() : Slices.without(full, sliceAxis);
            checkSpacing(spacing, dims, "2D plan of 3D images (the in-plane axes)");
            datasetMedian = medianResampledShape(fp, Slices.with(spacing, sliceAxis, full[sliceAxis]), crop);
            median = Slices.without(datasetMedian, sliceAxis);
        }
        Architecture arch = settings.architecture();
        int channels = fp.channelNames().size();
        int classes = fp.labels().size();
        long budget = settings.memoryBudgetBytes();

        long[] patch;
        if (settings.patchSize() != null) {
            patch = settings.patchSize();
            if (patch.length != dims) {
                throw new MedSegException("patch_size " + Arrays.toString(patch) + ": expected " + dims + " values");
            }
            long[] d = divisor(arch, patch, spacing);
            for (int a = 0; a < dims; a++) {
                if (patch[a] % d[a] != 0) {
                    throw new MedSegException("patch_size " + Arrays.toString(patch) + ": axis " + a
                            + " must be divisible by " + d[a] + " for " + arch);
                }
            }
        } else {
            patch = fitPatch(arch, dims, channels, classes, median, budget, spacing);
        }
        NetworkConfig network = Networks.defaultConfig(arch, dims, channels, classes, patch, spacing);
        int batch = settings.batchSize() != null ? settings.batchSize()
                : batchSize(network, patch, datasetMedian, fp.cases().size(), budget, settings.maxBatchSize());

        boolean maskForNorm = useMaskForNorm(fp, crop);
        List<ChannelNormalization> norm = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            String name = fp.channelNames().get(String.valueOf(c));
            IntensityStatistics s = fp.foregroundIntensities().get(c);
            norm.add(NormalizationScheme.forChannelName(name) == NormalizationScheme.CT
                    ? ChannelNormalization.ct(s.mean(), s.std(), s.percentile00_5(),
                            s.percentile99_5())
                    : ChannelNormalization.zscore(maskForNorm));
        }
        return new PreprocessingPlan(dims, fp.channelNames(), fp.labels(), spacing, crop, List.copyOf(norm),
                ResamplingSettings.NNUNET, patch, batch, network, budget, sliceAxis);
    }

    /**
     * Fails unless a {@code dims}-D network can be planned for the fingerprinted images: a 2D network suits any
     * images (a 3D dataset's slices), a 3D one needs volumes.
     *
     * @param setting what chose {@code dims}, named in the message (e.g. --dims)
     */
    public static void checkDims(DatasetFingerprint fp, int dims, String setting) {
        if (dims != 2 && dims != 3) {
            throw new MedSegException(setting + " " + dims + ": expected 2 or 3");
        }
        if (dims > fp.dims()) {
            throw new MedSegException(setting + " " + dims + ": the dataset's images are 2D (2D files or one-slice"
                    + " volumes); a 3D network needs volumes, choose 2");
        }
    }

    private static void checkSpacing(double[] spacing, int dims, String what) {
        if (spacing.length != dims) {
            throw new MedSegException("target_spacing " + Arrays.toString(spacing) + ": expected " + dims
                    + " values for a " + what);
        }
    }

    /**
     * The axis a 2D plan slices 3D volumes across: the one with the largest target spacing, so each slice is as fine
     * as the data allow (thick slices are never interpolated). nnU-Net transposes that axis first and slices along it;
     * on ties it takes the first in its (k, j, i) array order, which is the last tied axis in file order here, so
     * isotropic volumes are sliced across k (axially for RAS-like data).
     */
    static int sliceAxis(double[] fullResolutionSpacing) {
        int axis = fullResolutionSpacing.length - 1;
        for (int a = axis - 1; a >= 0; a--) {
            if (fullResolutionSpacing[a] > fullResolutionSpacing[axis]) {
                axis = a;
            }
        }
        return axis;
    }

    /**
     * Median spacing per axis, except for anisotropic data (the coarsest axis is over 3 times the others' spacing
     * and has under a third of their voxels): there the coarse axis gets the 10th percentile of its spacings, so the
     * few thick-slice cases are upsampled rather than all thin-slice cases thrown down to thick slices; never finer
     * than the other axes.
     */
    public static double[] targetSpacing(DatasetFingerprint fp) {
        int dims = fp.dims();
        double[] target = new double[dims];
        double[] size = new double[dims];
        for (int a = 0; a < dims; a++) {
            final int axis = a;
            target[a] = Percentiles.of(fp.cases().stream().mapToDouble(c -> c.spacing()[axis]).toArray(), 50);
            size[a] = Percentiles.of(fp.cases().stream().mapToDouble(c -> c.croppedShape()[axis]).toArray(), 50);
        }
        int worst = 0;
        for (int a = 1; a < dims; a++) {
            if (target[a] > target[worst]) {
                worst = a;
            }
        }
        double maxOtherSpacing = 0;
        double minOtherSize = Double.MAX_VALUE;
        for (int a = 0; a < dims; a++) {
            if (a != worst) {
                maxOtherSpacing = Math.max(maxOtherSpacing, target[a]);
                minOtherSize = Math.min(minOtherSize, size[a]);
            }
        }
        boolean anisoSpacing = target[worst] > ANISOTROPY * maxOtherSpacing;
        boolean anisoVoxels = size[worst] * ANISOTROPY < minOtherSize;
        if (anisoSpacing && anisoVoxels) {
            final int w = worst;
            double p10 = Percentiles.of(fp.cases().stream().mapToDouble(c -> c.spacing()[w]).toArray(), 10);
            if (p10 < maxOtherSpacing) {
                p10 = Math.max(maxOtherSpacing, p10) + 1e-5;
            }
            target[worst] = p10;
        }
        return target;
    }

    /**
     * nnU-Net's {@code determine_normalization_scheme_and_whether_mask_is_used_for_norm}: z-score channels use the
     * non-zero mask when the cases are cropped and the median over cases of (voxels after cropping / voxels before) is
     * below {@value #MASK_FOR_NORM_BELOW}.
     */
    static boolean useMaskForNorm(DatasetFingerprint fp, boolean crop) {
        return crop && medianRelativeSizeAfterCropping(fp) < MASK_FOR_NORM_BELOW;
    }

    /** The median over cases of the cropped box's voxels divided by the image's (nnU-Net's fingerprint entry). */
    static double medianRelativeSizeAfterCropping(DatasetFingerprint fp) {
        return Percentiles.of(fp.cases().stream().mapToDouble(c -> (double) Resampler.voxels(c.croppedShape())
                / Resampler.voxels(c.shape())).toArray(), 50);
    }

    /** Per axis, the median over cases of the (cropped) shape once resampled to the target spacing. */
    static double[] medianResampledShape(DatasetFingerprint fp, double[] spacing, boolean crop) {
        double[] median = new double[fp.dims()];
        for (int a = 0; a < median.length; a++) {
            final int axis = a;
            median[a] = Percentiles.of(fp.cases().stream().mapToDouble(c -> Math.max(1, Math.round(
                    (crop ? c.croppedShape() : c.shape())[axis] * c.spacing()[axis] / spacing[axis]))).toArray(), 50);
        }
        return median;
    }

    /**
     * Per axis, what every patch axis must be divisible by: the backbone's total stride (from the topology planned for
     * this very patch, as nnU-Net recomputes it while shrinking) or LightM-UNet's fixed 8.
     */
    public static long[] divisor(Architecture arch, long[] patch, double[] spacing) {
        // the classes and channels do not change the topology; the network's own rule decides
        return Networks.sizeDivisor(Networks.defaultConfig(arch, patch.length, 1, 2, patch, spacing), patch.length);
    }

    /**
     * nnU-Net's patch search: start at the median shape padded up to the divisor, then repeatedly take one divisor
     * step off the axis that is largest relative to the median shape until a batch of 2 fits the budget.
     */
    private static long[] fitPatch(Architecture arch, int dims, int channels, int classes, double[] median,
            long budget, double[] spacing) {
        long[] patch = new long[dims];
        for (int a = 0; a < dims; a++) {
            patch[a] = (long) Math.ceil(median[a]);
        }
        patch = roundUp(arch, patch, spacing);
        while (estimate(arch, dims, channels, classes, patch, MIN_BATCH, spacing) > budget) {
            long[] d = divisor(arch, patch, spacing);
            int axis = -1;
            double worst = -1;
            for (int a = 0; a < dims; a++) {
                double ratio = patch[a] / median[a];
                // ">=": on ties the last axis goes first, as numpy's argsort()[-1] picks it
                if (patch[a] - d[a] >= minAxis(arch) && ratio >= worst) {
                    worst = ratio;
                    axis = a;
                }
            }
            if (axis < 0) {
                throw new MedSegException("--memory " + MemorySize.format(budget) + " is too small for " + arch
                        + ": even the smallest patch " + Arrays.toString(patch) + " with batch " + MIN_BATCH + " needs "
                        + MemorySize.format(estimate(arch, dims, channels, classes, patch, MIN_BATCH, spacing)));
            }
            patch[axis] -= d[axis];
            patch = roundDown(arch, patch, spacing);
        }
        return patch;
    }

    private static long minAxis(Architecture arch) {
        return arch.usesBackbonePlan() ? 1 : LIGHTM_DIVISOR;
    }

    private static long[] roundUp(Architecture arch, long[] patch, double[] spacing) {
        long[] p = patch.clone();
        while (true) { // a larger patch may get another stage and a larger divisor; settles within a few rounds
            long[] d = divisor(arch, p, spacing);
            boolean changed = false;
            for (int a = 0; a < p.length; a++) {
                long q = (p[a] + d[a] - 1) / d[a] * d[a];
                changed |= q != p[a];
                p[a] = q;
            }
            if (!changed) {
                return p;
            }
        }
    }

    private static long[] roundDown(Architecture arch, long[] patch, double[] spacing) {
        long[] p = patch.clone();
        while (true) { // a smaller patch's divisor divides the larger one's (powers of two), so this settles fast
            long[] d = divisor(arch, p, spacing);
            boolean changed = false;
            for (int a = 0; a < p.length; a++) {
                long q = Math.max(d[a], p[a] / d[a] * d[a]);
                changed |= q != p[a];
                p[a] = q;
            }
            if (!changed) {
                return p;
            }
        }
    }

    private static long estimate(Architecture arch, int dims, int channels, int classes, long[] patch, int batch,
            double[] spacing) {
        return ArchitectureMemory.trainingBytes(Networks.defaultConfig(arch, dims, channels, classes, patch, spacing), patch,
                batch);
    }

    /**
     * As many patches as fit the budget, at most 5% of the dataset's voxels (the median shape {@code median}, with as
     * many axes as the images, times the cases) and the cap, at least 2.
     */
    private static int batchSize(NetworkConfig network, long[] patch, double[] median, int cases, long budget,
            int cap) {
        long fixed = ArchitectureMemory.fixedBytes(network, patch);
        long fits = (budget - fixed) / ArchitectureMemory.perSampleBytes(network.architecture(), network.dims(), patch);
        double datasetVoxels = cases * Arrays.stream(median).reduce(1, (x, y) -> x * y);
        long fivePercent = Math.round(datasetVoxels * MAX_DATASET_COVERED
                / Arrays.stream(patch).asDoubleStream().reduce(1, (x, y) -> x * y));
        return (int) Math.max(MIN_BATCH, Math.min(Math.min(fits, fivePercent), cap));
    }
}
