package io.medseg.node.nodes;

import io.medseg.node.Setting;
import io.medseg.node.SettingValues;

/**
 * The device choice of the nodes that run networks. Checked for its form only: configure must not touch the engine
 * or a GPU; whether the GPU exists is checked when the node runs (never a silent CPU fallback).
 */
final class DeviceSetting {
    static final String KEY = "device";

    private DeviceSetting() {
    }

    static Setting setting() {
        return new Setting(KEY, "auto", "auto (the first GPU, else the CPU), cpu, gpu:N or gpu:N,M (training"
                + " data-parallel).", "auto, cpu, gpu:N or gpu:N,M,...", t -> {
                    if (!t.toLowerCase(java.util.Locale.ROOT).matches("auto|cpu|gpu(:\\d+(,\\d+)*)?")) {
                        throw new IllegalArgumentException();
                    }
                    return t.toLowerCase(java.util.Locale.ROOT);
                });
    }

    /** The device, as the setting parsed it (lower case); for the nodes' {@code Settings.from}. */
    static String from(SettingValues s) {
        return s.getString(KEY);
    }
}
