package io.medseg.dataset;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The content of an nnU-Net v2 {@code dataset.json}: what the channels are, which label values mean what, how many
 * training cases there are and which file ending the images use.
 *
 * <p>As read from disk a field is null when the key is missing or its value unusable (the reason is reported
 * separately, see {@link DatasetJson}), so that the rest of the dataset can still be checked. A descriptor built in
 * code for writing must be {@link #isComplete() complete}.
 *
 * @param channelNames channel index ("0", "1", ...) to channel name, e.g. {"0": "CT"}, in index order
 * @param labels label name to label value, including "background": 0, in file order
 * @param numTraining number of training cases (cases in imagesTr/labelsTr)
 * @param fileEnding file ending of every image and label file, e.g. ".nii.gz"
 */
public record DatasetDescriptor(Map<String, String> channelNames, Map<String, Integer> labels, Integer numTraining,
        String fileEnding) {

    public DatasetDescriptor {
        channelNames = channelNames == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(channelNames));
        labels = labels == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** A descriptor with every field present, for writing. */
    public static DatasetDescriptor complete(Map<String, String> channelNames, Map<String, Integer> labels,
            int numTraining, String fileEnding) {
        DatasetDescriptor d = new DatasetDescriptor(channelNames, labels, numTraining, fileEnding);
        if (channelNames.isEmpty() || !Integer.valueOf(0).equals(labels.get("background")) || numTraining < 0
                || fileEnding.isEmpty()) {
            throw new IllegalArgumentException("incomplete dataset descriptor: " + d);
        }
        return d;
    }

    /** An empty descriptor: what is known when dataset.json is missing or not JSON. */
    public static DatasetDescriptor unknown() {
        return new DatasetDescriptor(null, null, null, null);
    }

    /** True when every field is present. */
    public boolean isComplete() {
        return channelNames != null && labels != null && numTraining != null && fileEnding != null;
    }

    /** Number of channels (files per case), or 0 if the channel names are unknown. */
    public int channelCount() {
        return channelNames == null ? 0 : channelNames.size();
    }

    /** The declared label values, ascending, or an empty set if the labels are unknown. */
    public TreeSet<Integer> labelValues() {
        return labels == null ? new TreeSet<>() : new TreeSet<>(labels.values());
    }
}
