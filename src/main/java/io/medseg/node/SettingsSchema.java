package io.medseg.node;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings a node type accepts, in display order. Resolving raw text values against it checks every value at
 * once, so a workflow with three typos reports three lines rather than one per run.
 */
public final class SettingsSchema {
    private final Map<String, Setting> settings = new LinkedHashMap<>();

    public SettingsSchema(Setting... settings) {
        for (Setting s : settings) {
            if (this.settings.put(s.key(), s) != null) {
                throw new IllegalArgumentException("duplicate setting key " + s.key());
            }
        }
    }

    public List<Setting> settings() {
        return List.copyOf(settings.values());
    }

    public boolean has(String key) {
        return settings.containsKey(key);
    }

    /** The keys as a readable list for "unknown setting" messages. */
    public String keys() {
        return settings.isEmpty() ? "(none)" : String.join(", ", settings.keySet());
    }

    /**
     * Parses and checks {@code raw} (key → text) for node {@code nodeId}: defaults fill missing keys, unknown keys,
     * missing required ones and invalid values each add one line to {@code problems}. Returns null when any problem
     * was found.
     */
    public SettingValues resolve(String nodeId, Map<String, String> raw, List<String> problems) {
        int before = problems.size();
        for (String key : raw.keySet()) {
            if (!settings.containsKey(key)) {
                problems.add("node '" + nodeId + "': unknown setting '" + key + "'; settings are " + keys());
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> texts = new LinkedHashMap<>();
        for (Setting s : settings.values()) {
            String text = raw.containsKey(s.key()) ? raw.get(s.key()) : s.defaultValue();
            if (text == null) {
                problems.add("node '" + nodeId + "': setting '" + s.key() + "' is required (" + s.description()
                        + "); it must be " + s.allowed());
                continue;
            }
            try {
                values.put(s.key(), s.parse(nodeId, text));
                texts.put(s.key(), text);
            } catch (SettingsException e) {
                problems.add(e.getMessage());
            }
        }
        return problems.size() > before ? null : new SettingValues(nodeId, Collections.unmodifiableMap(values), texts);
    }

    /** {@link #resolve} that throws the first problem: for callers holding one node (tests, KNIME adapters). */
    public SettingValues resolve(String nodeId, Map<String, String> raw) {
        List<String> problems = new ArrayList<>();
        SettingValues s = resolve(nodeId, raw, problems);
        if (s == null) {
            throw new SettingsException(String.join("; ", problems));
        }
        return s;
    }
}
