package io.medseg.node;

import java.util.List;

/**
 * A node type, free of KNIME types so the KNIME adapters stay thin and the same node runs headless (one node type,
 * one class; instances are stateless and shared). The three parts map one to one onto KNIME's NodeModel:
 * {@link #settings()} onto NodeSettings keys and validation, {@link #configure} onto configure(PortObjectSpec[]) and
 * {@link #execute} onto execute(PortObject[], ExecutionContext).
 */
public interface MedSegNode {
    /** Stable type id used in workflow files, e.g. {@code segmentation-learner}. */
    String type();

    /** Display name, e.g. "Segmentation Learner". */
    String name();

    /** One or two sentences for help texts and the generated node description. */
    String description();

    List<PortDefinition> inputs();

    List<PortDefinition> outputs();

    SettingsSchema settings();

    /**
     * Output specs from input specs (null for an unconnected optional input or a spec known only after execution),
     * cheap and without side effects: no training, no prediction, no writing. Rejects bad settings or incompatible
     * inputs with an {@link SettingsException} naming the node and what is wrong.
     *
     * @return one spec per output port, null where not known before execution
     */
    List<PortSpec> configure(List<PortSpec> inputs, SettingValues settings);

    /**
     * Computes the outputs, writing files only under {@link RunContext#outputDir()} (and, for long runs, their
     * resumable state under {@link RunContext#checkpointDir()}); reports progress, honours cancellation
     * (throws {@link java.util.concurrent.CancellationException}) and reports warnings through {@code exec}.
     *
     * @param inputs one object per input port, null for an unconnected optional input
     */
    List<PortData> execute(List<PortData> inputs, SettingValues settings, RunContext exec);
}
