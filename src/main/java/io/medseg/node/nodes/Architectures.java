package io.medseg.node.nodes;

import java.util.Arrays;

import io.medseg.nn.networks.Architecture;
import io.medseg.node.Setting;

/** The network choice shared by the nodes that plan or train. */
final class Architectures {
    private Architectures() {
    }

    static Setting setting(String defaultValue) {
        return Setting.choice("architecture", defaultValue, "The network to plan and train.",
                Arrays.stream(Architecture.values()).map(Architecture::id).toArray(String[]::new));
    }
}
