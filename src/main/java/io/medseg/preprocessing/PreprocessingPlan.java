package io.medseg.preprocessing;

import java.util.List;
import java.util.Map;

import io.medseg.nn.networks.NetworkConfig;

/**
 * Everything that turns raw cases into training samples, as plain data written to {@code plan.json}; every field can
 * be overridden by the user before preprocessing. Derived from a {@link DatasetFingerprint} by the planner.
 *
 * @param dims 2 or 3
 * @param channelNames channel index → name, from dataset.json
 * @param labels label name → value, from dataset.json
 * @param targetSpacing spacing (mm) every case is resampled to, per axis in file index order
 * @param cropToNonzero whether cases are first cropped to their non-zero region (nnU-Net: yes)
 * @param normalization one entry per channel
 * @param resampling interpolation settings
 * @param patchSize training patch size (voxels per axis)
 * @param batchSize patches per training step
 * @param network the network to train on this data (architecture, channels, classes and, for the backbone family,
 *        the topology)
 * @param memoryBudgetBytes the memory the patch and batch were sized for
 */
public record PreprocessingPlan(int dims, Map<String, String> channelNames, Map<String, Integer> labels,
        double[] targetSpacing, boolean cropToNonzero, List<ChannelNormalization> normalization,
        ResamplingSettings resampling, long[] patchSize, int batchSize, NetworkConfig network, long memoryBudgetBytes) {

    /** Per channel, whether it is normalised within the non-zero mask (nnU-Net's use_mask_for_norm list). */
    public boolean[] maskedChannels() {
        boolean[] masked = new boolean[normalization.size()];
        for (int c = 0; c < masked.length; c++) {
            masked[c] = normalization.get(c).useMaskForNorm();
        }
        return masked;
    }
}
