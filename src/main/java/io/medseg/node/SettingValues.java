package io.medseg.node;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node's resolved settings: every key of its {@link SettingsSchema} with a parsed, valid value (KNIME's
 * NodeSettings after {@code loadValidatedSettingsFrom}). Optional settings left empty read as null.
 */
public final class SettingValues {
    private final String nodeId;
    private final Map<String, Object> values;
    private final Map<String, String> texts;

    SettingValues(String nodeId, Map<String, Object> values, Map<String, String> texts) {
        this.nodeId = nodeId;
        this.values = values;
        this.texts = new LinkedHashMap<>(texts);
    }

    /** The id of the node these settings belong to (named in every error message). */
    public String nodeId() {
        return nodeId;
    }

    /** The values as text, every key included (what the run folder's workflow.json and the report show). */
    public Map<String, String> texts() {
        return java.util.Collections.unmodifiableMap(texts);
    }

    public Integer getInt(String key) {
        Long v = (Long) get(key);
        return v == null ? null : Math.toIntExact(v);
    }

    public Long getLong(String key) {
        return (Long) get(key);
    }

    public Double getDouble(String key) {
        return (Double) get(key);
    }

    public boolean getBoolean(String key) {
        return (Boolean) get(key);
    }

    public String getString(String key) {
        return (String) get(key);
    }

    public Path getPath(String key) {
        return (Path) get(key);
    }

    public long[] getSizes(String key) {
        long[] v = (long[]) get(key);
        return v == null ? null : v.clone();
    }

    public double[] getSpacing(String key) {
        double[] v = (double[]) get(key);
        return v == null ? null : v.clone();
    }

    /** A problem with an otherwise valid value that only configure can see (e.g. a path that does not exist). */
    public SettingsException invalid(String key, String why) {
        return new SettingsException(Setting.name(nodeId, key) + " " + why);
    }

    private Object get(String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("node '" + nodeId + "' has no setting '" + key + "'");
        }
        return values.get(key);
    }
}
