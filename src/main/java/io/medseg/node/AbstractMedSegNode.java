package io.medseg.node;

import java.util.List;

/**
 * A node type whose identity, ports and settings are fixed when it is constructed, so a subclass only implements
 * {@link #configure} and {@link #execute}. KNIME's NodeModel likewise receives its input and output ports in its
 * constructor.
 */
public abstract class AbstractMedSegNode implements MedSegNode {
    private final String type;
    private final String name;
    private final String description;
    private final List<PortDefinition> inputs;
    private final List<PortDefinition> outputs;
    private final SettingsSchema settings;

    protected AbstractMedSegNode(String type, String name, String description, List<PortDefinition> inputs,
            List<PortDefinition> outputs, SettingsSchema settings) {
        this.type = type;
        this.name = name;
        this.description = description;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.settings = settings;
    }

    @Override
    public final String type() {
        return type;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final List<PortDefinition> inputs() {
        return inputs;
    }

    @Override
    public final List<PortDefinition> outputs() {
        return outputs;
    }

    @Override
    public final SettingsSchema settings() {
        return settings;
    }
}
