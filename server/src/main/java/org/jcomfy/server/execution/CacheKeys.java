package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jcomfy.nodes.api.InputSpec;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeRegistry;

/**
 * Input signatures (§6.3): a node's key is its class, its fingerprint ({@code IS_CHANGED}), its id
 * when it is not idempotent or asks for UNIQUE_ID, and its inputs in name order, where a link is
 * the key of the upstream node plus the slot. Equal sub-graphs under other ids share keys; any
 * upstream change changes every key below it. A node whose fingerprint fails, is NaN, or is not
 * comparable gets a key equal to nothing, so it never hits the cache.
 */
final class CacheKeys {
    /** A signature; records compare structurally, so equal graphs give equal keys. */
    record Key(String classType, Object fingerprint, String nodeId, List<Object> inputs) {}

    /** A link inside a signature: the upstream key and output slot. */
    record Ancestor(Object key, int slot) {}

    private final ObjectNode prompt;
    private final NodeRegistry registry;
    private final NodeEnvironment environment;
    private final Map<String, Object> keys = new HashMap<>();

    CacheKeys(ObjectNode prompt, NodeRegistry registry, NodeEnvironment environment) {
        this.prompt = prompt;
        this.registry = registry;
        this.environment = environment;
    }

    Object keyOf(String nodeId) { return keyOf(nodeId, new HashSet<>()); }

    private Object keyOf(String nodeId, Set<String> onPath) {
        Object known = keys.get(nodeId);
        if (known != null) return known;
        Object key = compute(nodeId, onPath);
        keys.put(nodeId, key);
        return key;
    }

    private Object compute(String nodeId, Set<String> onPath) {
        JsonNode entry = prompt.get(nodeId);
        Node node = entry == null ? null : registry.get(entry.path("class_type").asText());
        if (node == null || !entry.path("inputs").isObject() || !onPath.add(nodeId)) return new Object();
        try {
            ObjectNode inputs = (ObjectNode) entry.get("inputs");
            TreeMap<String, Object> parts = new TreeMap<>();
            for (var it = inputs.fields(); it.hasNext(); ) {
                var e = it.next();
                JsonNode v = e.getValue();
                if (NodeValues.isLink(v)) {
                    if (!prompt.has(v.get(0).textValue())) return new Object();
                    parts.put(e.getKey(), new Ancestor(keyOf(v.get(0).textValue(), onPath), v.get(1).intValue()));
                } else {
                    parts.put(e.getKey(), v);
                }
            }
            List<Object> inputList = new ArrayList<>();
            parts.forEach((k, v) -> inputList.add(List.of(k, v)));
            boolean withId = node.schema().notIdempotent() || node.schema().hidden().stream()
                    .anyMatch(h -> h instanceof InputSpec.HiddenInput hi && hi.type().equals("UNIQUE_ID"));
            return new Key(entry.get("class_type").asText(), fingerprint(node, inputs), withId ? nodeId : null, inputList);
        } finally {
            onPath.remove(nodeId);
        }
    }

    private Object fingerprint(Node node, ObjectNode inputs) {
        try {
            Object f = node.fingerprint(NodeValues.constants(node.schema(), inputs), environment);
            if (f instanceof Double d && d.isNaN() || f instanceof Float x && x.isNaN()) return new Object();
            return f;
        } catch (Exception | Error e) {
            return new Object();
        }
    }
}
