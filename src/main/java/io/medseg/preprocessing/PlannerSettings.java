package io.medseg.preprocessing;

import java.util.Arrays;

import io.medseg.MedSegException;
import io.medseg.nn.networks.Architecture;

/**
 * What the planner is told rather than derives: the memory budget, the network, and optional overrides that replace
 * the planner's choices (null = let the planner decide). Overrides enter planning, not a finished plan, so a user's
 * target spacing still drives the patch size and a user's patch size still drives the batch size and topology.
 *
 * @param memoryBudgetBytes training memory the patch and batch must fit (device memory or a setting)
 * @param architecture the network to plan for
 * @param maxBatchSize upper bound on the derived batch size
 * @param targetSpacing override, or null
 * @param patchSize override, or null
 * @param batchSize override, or null
 * @param cropToNonzero override, or null (planner: true, as nnU-Net)
 * @param dims the network's dimensionality, or null for the images' (2 on a 3D dataset plans nnU-Net's 2d
 *        configuration: a 2D network trained on slices of the volumes)
 */
public record PlannerSettings(long memoryBudgetBytes, Architecture architecture, int maxBatchSize,
        double[] targetSpacing, long[] patchSize, Integer batchSize, Boolean cropToNonzero, Integer dims) {

    /** nnU-Net plans for a reference GPU of about 8 GB; the same default keeps plans comparable. */
    public static final long DEFAULT_MEMORY = 8L << 30;
    /** Beyond this a bigger batch buys little for segmentation and slows every step on CPU. */
    public static final int DEFAULT_MAX_BATCH = 64;

    public PlannerSettings {
        if (memoryBudgetBytes <= 0) {
            throw new MedSegException("memory budget must be positive, got " + memoryBudgetBytes);
        }
        if (architecture == null) {
            throw new MedSegException("the planner needs a model");
        }
        if (maxBatchSize < 2) {
            throw new MedSegException("maximum batch size must be at least 2, got " + maxBatchSize);
        }
        if (targetSpacing != null && Arrays.stream(targetSpacing).anyMatch(s -> !(s > 0) || Double.isInfinite(s))) {
            throw new MedSegException("target_spacing " + Arrays.toString(targetSpacing) + ": every axis must be > 0");
        }
        if (patchSize != null && Arrays.stream(patchSize).anyMatch(p -> p < 1)) {
            throw new MedSegException("patch_size " + Arrays.toString(patchSize) + ": every axis must be >= 1");
        }
        if (dims != null && dims != 2 && dims != 3) {
            throw new MedSegException("dims " + dims + ": must be 2 or 3");
        }
        if (batchSize != null && batchSize < 1) {
            throw new MedSegException("batch_size " + batchSize + ": must be >= 1");
        }
        targetSpacing = targetSpacing == null ? null : targetSpacing.clone();
        patchSize = patchSize == null ? null : patchSize.clone();
    }

    public static PlannerSettings defaults(Architecture architecture) {
        return new PlannerSettings(DEFAULT_MEMORY, architecture, DEFAULT_MAX_BATCH, null, null, null, null, null);
    }

    public PlannerSettings withArchitecture(Architecture a) {
        return new PlannerSettings(memoryBudgetBytes, a, maxBatchSize, targetSpacing, patchSize, batchSize, cropToNonzero, dims);
    }

    public PlannerSettings withMemory(long bytes) {
        return new PlannerSettings(bytes, architecture, maxBatchSize, targetSpacing, patchSize, batchSize, cropToNonzero, dims);
    }

    public PlannerSettings withTargetSpacing(double[] s) {
        return new PlannerSettings(memoryBudgetBytes, architecture, maxBatchSize, s, patchSize, batchSize, cropToNonzero, dims);
    }

    public PlannerSettings withPatchSize(long[] p) {
        return new PlannerSettings(memoryBudgetBytes, architecture, maxBatchSize, targetSpacing, p, batchSize, cropToNonzero, dims);
    }

    public PlannerSettings withBatchSize(Integer b) {
        return new PlannerSettings(memoryBudgetBytes, architecture, maxBatchSize, targetSpacing, patchSize, b, cropToNonzero, dims);
    }

    public PlannerSettings withCropToNonzero(Boolean c) {
        return new PlannerSettings(memoryBudgetBytes, architecture, maxBatchSize, targetSpacing, patchSize, batchSize, c, dims);
    }

    public PlannerSettings withDims(Integer d) {
        return new PlannerSettings(memoryBudgetBytes, architecture, maxBatchSize, targetSpacing, patchSize, batchSize,
                cropToNonzero, d);
    }

    @Override
    public double[] targetSpacing() {
        return targetSpacing == null ? null : targetSpacing.clone();
    }

    @Override
    public long[] patchSize() {
        return patchSize == null ? null : patchSize.clone();
    }
}
