package io.medseg.node;

import java.nio.file.Path;

/**
 * A trained model on a port: the model file (weights, config, plan and metadata in one file, MedSeg's counterpart of
 * KNIME's file-store port object) and its spec.
 */
public record ModelPort(Path file, ModelPortSpec spec) implements PortData {
    @Override
    public String summary() {
        return spec.describe();
    }
}
