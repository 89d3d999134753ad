package io.medseg.node.nodes;

import io.medseg.node.Setting;

/**
 * The device choice of the nodes that run networks. Checked for its form only: configure must not touch the engine
 * or a GPU; whether the GPU exists is checked when the node runs (never a silent CPU fallback).
 */
final class DeviceSetting {
    private DeviceSetting() {
    }

    static Setting setting() {
        return new Setting("device", "auto", "auto (the first GPU, else the CPU), cpu, gpu:N or gpu:N,M (training"
                + " data-parallel).", "auto, cpu, gpu:N or gpu:N,M,...", t -> {
                    if (!t.toLowerCase(java.util.Locale.ROOT).matches("auto|cpu|gpu(:\\d+(,\\d+)*)?")) {
                        throw new IllegalArgumentException();
                    }
                    return t.toLowerCase(java.util.Locale.ROOT);
                });
    }
}
