package io.medseg.node;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.medseg.model.ModelFile;
import io.medseg.model.ModelMetadata;
import io.medseg.nn.networks.NetworkConfig;

/**
 * What downstream nodes need to know about a model to configure without loading it (the model port's spec, KNIME's
 * PortObjectSpec): read from the model file's header, or, before training, what the learner will produce. Fields not
 * yet known are null.
 *
 * @param architecture  network id, e.g. lightm-unet
 * @param dims          2 or 3
 * @param channels      input channel index → name
 * @param labels        label name → value, background included
 * @param patchSize     training patch size
 * @param normalisation per-channel intensity normalisation, as the model stores it
 * @param versions      MedSeg/DJL/PyTorch versions and the training device
 */
public record ModelPortSpec(String architecture, Integer dims, Map<String, String> channels,
        Map<String, Integer> labels, long[] patchSize, Map<String, String> normalisation,
        Map<String, String> versions) implements PortSpec {

    public ModelPortSpec {
        channels = copy(channels);
        labels = copy(labels);
        patchSize = patchSize == null ? null : patchSize.clone();
        normalisation = copy(normalisation);
        versions = copy(versions);
    }

    /** An unmodifiable copy in the original order (channel and label order matter), or null. */
    private static <V> Map<String, V> copy(Map<String, V> m) {
        return m == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    @Override
    public PortKind kind() {
        return PortKind.MODEL;
    }

    @Override
    public long[] patchSize() {
        return patchSize == null ? null : patchSize.clone();
    }

    /** The spec of a model file, from its header only (no weights are read). */
    public static ModelPortSpec of(ModelFile.Header header) {
        NetworkConfig c = header.config();
        ModelMetadata m = header.metadata();
        return new ModelPortSpec(c.architecture().id(), c.dims(), m.channelNames(), m.labels(), m.patchSize(),
                m.normalisation(), m.versions());
    }

    /** Number of input channels, or null when unknown. */
    public Integer channelCount() {
        return channels == null ? null : channels.size();
    }

    /** One line, e.g. "lightm-unet 2D, 1 channel, labels background/organ/lesion, patch [64, 64]". */
    public String describe() {
        return (architecture == null ? "model" : architecture) + (dims == null ? "" : " " + dims + "D")
                + (channels == null ? "" : ", " + channels.size() + (channels.size() == 1 ? " channel" : " channels"))
                + (labels == null ? "" : ", labels " + String.join("/", labels.keySet()))
                + (patchSize == null ? "" : ", patch " + Arrays.toString(patchSize));
    }
}
