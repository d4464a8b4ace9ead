package org.jcomfy.nodes.api;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The values a node receives, by input name. Widget values arrive coerced to their declared
 * type: INT as {@link Long} (seeds above 2^63 keep their 64 bits: read them with
 * {@link #getUnsignedLong}), FLOAT as {@link Double}, STRING and COMBO as {@link String},
 * BOOLEAN as {@link Boolean}. Socket values are whatever the upstream node produced.
 */
public final class NodeInputs {
    private final Map<String, Object> values;

    public NodeInputs(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    public boolean has(String name) { return values.get(name) != null; }

    public Object get(String name) { return values.get(name); }

    public Map<String, Object> asMap() { return values; }

    public <T> T get(String name, Class<T> type) {
        Object v = values.get(name);
        if (v == null) throw new IllegalArgumentException("input '" + name + "' is missing");
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("input '" + name + "' is a " + v.getClass().getSimpleName()
                    + ", expected " + type.getSimpleName());
        }
        return type.cast(v);
    }

    public long getLong(String name) { return get(name, Number.class).longValue(); }

    /** The 64 bits of an unsigned INT (seeds); compare with {@link Long#compareUnsigned}. */
    public long getUnsignedLong(String name) { return getLong(name); }

    public int getInt(String name) { return Math.toIntExact(getLong(name)); }

    public double getDouble(String name) { return get(name, Number.class).doubleValue(); }

    public String getString(String name) { return get(name, String.class); }

    public boolean getBoolean(String name) { return get(name, Boolean.class); }

    /** For input-list nodes: the whole list of values of an input. */
    @SuppressWarnings("unchecked")
    public List<Object> getList(String name) { return get(name, List.class); }
}
