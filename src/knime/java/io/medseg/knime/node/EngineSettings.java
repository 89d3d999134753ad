package io.medseg.knime.node;

import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.Map;

import org.knime.core.node.InvalidSettingsException;
import org.knime.node.parameters.NodeParameters;
import org.knime.node.parameters.persistence.Persist;

import io.medseg.node.MedSegNode;
import io.medseg.node.SettingValues;
import io.medseg.node.SettingsException;
import io.medseg.node.nodes.StandardNodes;

/**
 * The bridge between a node's NodeParameters and the engine's settings: each field persisted under an engine key
 * is handed to the engine as its text, so parsing, defaults and validation messages are the engine's alone.
 */
public final class EngineSettings {
    private EngineSettings() {
    }

    /** The engine node of a type id (StandardNodes holds one shared, stateless instance per type). */
    public static MedSegNode node(String type) {
        MedSegNode node = StandardNodes.registry().get(type);
        if (node == null) {
            throw new IllegalStateException("no engine node type '" + type + "'");
        }
        return node;
    }

    /** The parameters' values as the engine resolves them; invalid values give the engine's one-line message. */
    public static SettingValues resolve(String type, NodeParameters parameters) throws InvalidSettingsException {
        MedSegNode node = node(type);
        try {
            return node.settings().resolve(node.name(), texts(parameters));
        } catch (SettingsException e) {
            throw new InvalidSettingsException(e.getMessage());
        }
    }

    /** Engine key -> value as text, for every field carrying {@code @Persist(configKey)}. */
    public static Map<String, String> texts(NodeParameters parameters) {
        Map<String, String> texts = new LinkedHashMap<>();
        for (Field f : parameters.getClass().getDeclaredFields()) {
            Persist persist = f.getAnnotation(Persist.class);
            if (persist == null || persist.configKey().isEmpty()) {
                continue;
            }
            try {
                texts.put(persist.configKey(), String.valueOf(f.get(parameters)));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(f + " must be public so the engine can read it", e);
            }
        }
        return texts;
    }
}
