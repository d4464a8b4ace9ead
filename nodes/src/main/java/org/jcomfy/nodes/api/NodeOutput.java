package org.jcomfy.nodes.api;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a node returns: one value per output slot (a {@link List} for list outputs), and an
 * optional UI payload that becomes the {@code executed} message and the history
 * {@code outputs} entry, e.g. {@code {"images": [{"filename":..., "subfolder":..., "type":"output"}]}}.
 * UI values must be serialisable by Jackson (maps, lists, strings, numbers, booleans).
 */
public record NodeOutput(List<Object> results, Map<String, List<Object>> ui) {

    public static NodeOutput of(Object... results) {
        return new NodeOutput(Arrays.asList(results), null);
    }

    public static NodeOutput ui(Map<String, List<Object>> ui, Object... results) {
        return new NodeOutput(Arrays.asList(results), new LinkedHashMap<>(ui));
    }
}
