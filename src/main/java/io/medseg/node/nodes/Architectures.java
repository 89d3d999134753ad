package io.medseg.node.nodes;

import java.util.Arrays;

import io.medseg.nn.networks.Architecture;
import io.medseg.node.Setting;
import io.medseg.node.SettingValues;

/** The network choice shared by the nodes that plan or train. */
final class Architectures {
    static final String KEY = "architecture";

    private Architectures() {
    }

    static Setting setting(String defaultValue) {
        return Setting.choice(KEY, defaultValue, "The network to plan and train.",
                Arrays.stream(Architecture.trainable()).map(Architecture::id).toArray(String[]::new));
    }

    /** The chosen network; for the nodes' {@code Settings.from}. */
    static Architecture from(SettingValues s) {
        return Architecture.of(s.getString(KEY));
    }
}
