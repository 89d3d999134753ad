package io.medseg.preprocessing;

import java.util.List;
import java.util.Map;

/**
 * What the planner needs to know about a dataset: per-case shapes and spacings, foreground intensity statistics per
 * channel, and how many voxels each label has.
 *
 * @param dims 2 or 3
 * @param channelNames channel index → name
 * @param labels label name → value
 * @param cases one entry per training case
 * @param foregroundIntensities one entry per channel
 * @param classVoxels label value → voxel count over all training labels
 */
public record DatasetFingerprint(int dims, Map<String, String> channelNames, Map<String, Integer> labels,
        List<CaseFingerprint> cases, List<IntensityStatistics> foregroundIntensities, Map<Integer, Long> classVoxels) {
}
