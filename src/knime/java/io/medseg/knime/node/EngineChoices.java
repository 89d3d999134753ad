package io.medseg.knime.node;

import java.util.Arrays;
import java.util.List;

import org.knime.node.parameters.NodeParametersInput;
import org.knime.node.parameters.widget.choices.StringChoicesProvider;

import io.medseg.node.Setting;

/**
 * The values an enumerated engine setting allows, read from the engine's schema at dialog time so the dialog's
 * drop-down can never offer a value the engine rejects.
 */
public abstract class EngineChoices implements StringChoicesProvider {
    private static final String PREFIX = "one of ";
    private final String type;
    private final String key;

    protected EngineChoices(String type, String key) {
        this.type = type;
        this.key = key;
    }

    @Override
    public List<String> choices(NodeParametersInput context) {
        Setting setting = EngineSettings.node(type).settings().settings().stream()
                .filter(s -> s.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalStateException(type + " has no setting " + key));
        // Setting.choice describes its values as "one of a, b, c"; that text is the schema's list of them
        if (!setting.allowed().startsWith(PREFIX)) {
            throw new IllegalStateException(type + "." + key + " is not an enumerated setting");
        }
        return Arrays.asList(setting.allowed().substring(PREFIX.length()).split(", "));
    }
}
