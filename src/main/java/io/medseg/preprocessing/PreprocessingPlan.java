package io.medseg.preprocessing;

import java.util.List;
import java.util.Map;

import io.medseg.nn.networks.NetworkConfig;

/**
 * Everything that turns raw cases into training samples, as plain data written to {@code plan.json}; every field can
 * be overridden by the user before preprocessing. Derived from a {@link DatasetFingerprint} by the planner.
 *
 * @param dims 2 or 3: the network's, and the images' unless the plan slices volumes
 * @param channelNames channel index → name, from dataset.json
 * @param labels label name → value, from dataset.json
 * @param targetSpacing spacing (mm) every case is resampled to, per axis in file index order; for a plan that slices
 *        volumes the in-plane axes only (the slice axis keeps each case's spacing, as in nnU-Net's 2d configuration)
 * @param cropToNonzero whether cases are first cropped to their non-zero region (nnU-Net: yes)
 * @param normalization one entry per channel
 * @param resampling interpolation settings
 * @param patchSize training patch size (voxels per axis)
 * @param batchSize patches per training step
 * @param network the network to train on this data (architecture, channels, classes and, for the backbone family,
 *        the topology)
 * @param memoryBudgetBytes the memory the patch and batch were sized for
 * @param sliceAxis for a 2D plan of 3D volumes (nnU-Net's 2d configuration): the file axis the volumes are sliced
 *        across, each slice being one 2D image for the network; null when the images have the plan's dimensionality
 *        (absent from plan files of such plans and from those written before slicing existed)
 */
public record PreprocessingPlan(int dims, Map<String, String> channelNames, Map<String, Integer> labels,
        double[] targetSpacing, boolean cropToNonzero, List<ChannelNormalization> normalization,
        ResamplingSettings resampling, long[] patchSize, int batchSize, NetworkConfig network, long memoryBudgetBytes,
        Integer sliceAxis) {

    /** A plan for images of the network's dimensionality (no slicing). */
    public PreprocessingPlan(int dims, Map<String, String> channelNames, Map<String, Integer> labels,
            double[] targetSpacing, boolean cropToNonzero, List<ChannelNormalization> normalization,
            ResamplingSettings resampling, long[] patchSize, int batchSize, NetworkConfig network,
            long memoryBudgetBytes) {
        this(dims, channelNames, labels, targetSpacing, cropToNonzero, normalization, resampling, patchSize, batchSize,
                network, memoryBudgetBytes, null);
    }

    /** True for a 2D plan of 3D volumes, trained and predicted slice by slice across {@link #sliceAxis()}. */
    public boolean slicesVolumes() {
        return sliceAxis != null;
    }

    /** The dimensionality of the images the plan takes: 3 when it slices volumes, else {@link #dims()}. */
    public int imageDims() {
        return slicesVolumes() ? 3 : dims;
    }

    /** Per channel, whether it is normalised within the non-zero mask (nnU-Net's use_mask_for_norm list). */
    public boolean[] maskedChannels() {
        boolean[] masked = new boolean[normalization.size()];
        for (int c = 0; c < masked.length; c++) {
            masked[c] = normalization.get(c).useMaskForNorm();
        }
        return masked;
    }
}
