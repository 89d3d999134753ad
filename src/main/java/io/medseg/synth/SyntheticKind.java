package io.medseg.synth;

import java.util.Locale;
import java.util.Map;

import io.medseg.MedSegException;

/**
 * Which synthetic images a dataset holds: what each case looks like, and the channel name and labels its dataset.json
 * declares.
 */
public enum SyntheticKind {
    /** Abdominal-CT-like phantoms ({@link PhantomGenerator}): organ and lesions, air around the body at −1000 HU. */
    CT("ct", Map.of("0", "CT"), PhantomLabels.asMap()),
    /**
     * Skull-stripped-MRI-like images ({@link MaskedMriGenerator}): a head on a background of exact zeros, with one
     * structure inside it.
     */
    MASKED_MRI("masked-mri", Map.of("0", "T1"), MaskedMriGenerator.labels());

    private final String cliName;
    private final Map<String, String> channelNames;
    private final Map<String, Integer> labels;

    SyntheticKind(String cliName, Map<String, String> channelNames, Map<String, Integer> labels) {
        this.cliName = cliName;
        this.channelNames = channelNames;
        this.labels = labels;
    }

    /** The name on the command line ({@code --kind}). */
    public String cliName() {
        return cliName;
    }

    /** Channel index → name, for dataset.json. */
    public Map<String, String> channelNames() {
        return channelNames;
    }

    /** Label name → value, for dataset.json. */
    public Map<String, Integer> labels() {
        return new java.util.LinkedHashMap<>(labels);
    }

    /** Case {@code index} of the dataset with {@code seed}, a pure function of its arguments. */
    SyntheticCase generate(int[] shape, long seed, int index) {
        return this == CT ? PhantomGenerator.generate(shape, seed, index)
                : MaskedMriGenerator.generate(shape, seed, index);
    }

    /** The kind a command-line name stands for. */
    public static SyntheticKind parse(String name) {
        for (SyntheticKind k : values()) {
            if (k.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new MedSegException("--kind '" + name + "': expected ct or masked-mri");
    }
}
