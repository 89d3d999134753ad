package io.medseg.io.torch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Python dict that keeps its order ({@code collections.OrderedDict}, e.g. a state_dict), with the attributes
 * pickled beside its items (a state_dict's {@code _metadata}).
 */
public final class PythonDict extends LinkedHashMap<Object, Object> {
    private static final long serialVersionUID = 1L;
    private final Map<Object, Object> attributes = new LinkedHashMap<>();

    /** Instance attributes, e.g. {@code _metadata}. */
    public Map<Object, Object> attributes() {
        return attributes;
    }
}
