package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jcomfy.server.http.Json;
import org.jcomfy.nodes.api.InputSpec;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeRegistry;

/**
 * Input signatures (§6.3): a node's key is its class, its fingerprint ({@code IS_CHANGED}), its id
 * when it is not idempotent or asks for UNIQUE_ID, and its inputs in name order, where a link is
 * the key of the upstream node plus the slot. Equal sub-graphs under other ids share keys; any
 * upstream change changes every key below it. A node whose fingerprint fails, is NaN, or cannot be
 * written as JSON (a fresh object, meant to equal nothing) gets a key equal to nothing, so it never
 * hits the cache, and neither does anything below it.
 *
 * <p>A key is the SHA-256 of those parts with each link's source given by its own key, so keys are
 * computed bottom-up, each in time proportional to its own inputs, and compare in constant time
 * however deep the graph above them (nested keys would compare, and hash, the whole ancestry).
 */
final class CacheKeys {
    private static final System.Logger LOG = System.getLogger(CacheKeys.class.getName());
    /** A signature; equal digests are equal sub-graphs. */
    record Key(String digest) {}

    private static final ObjectWriter CANONICAL = Json.MAPPER.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ObjectNode prompt;
    private final NodeRegistry registry;
    private final NodeEnvironment environment;
    private final Map<String, Key> keys = new HashMap<>();

    CacheKeys(ObjectNode prompt, NodeRegistry registry, NodeEnvironment environment) {
        this.prompt = prompt;
        this.registry = registry;
        this.environment = environment;
    }

    /**
     * The key of {@code nodeId}, computing its sources' keys first with an explicit stack. A source
     * still being computed is a cycle: the node that links to it gets a key equal to nothing.
     */
    Key keyOf(String nodeId) {
        List<String> stack = new ArrayList<>(List.of(nodeId));
        Set<String> expanded = new HashSet<>();
        while (!stack.isEmpty()) {
            String id = stack.getLast();
            if (keys.containsKey(id)) {
                stack.removeLast();
            } else if (expanded.add(id)) {
                for (String source : sources(id)) if (!keys.containsKey(source) && !expanded.contains(source)) stack.add(source);
            } else {
                stack.removeLast();
                keys.put(id, compute(id));
            }
        }
        return keys.get(nodeId);
    }

    private List<String> sources(String nodeId) {
        List<String> sources = new ArrayList<>();
        for (JsonNode v : prompt.path(nodeId).path("inputs")) {
            if (NodeValues.isLink(v) && prompt.has(v.get(0).textValue())) sources.add(v.get(0).textValue());
        }
        return sources;
    }

    /** The key of a node whose sources' keys are known (a source without one is in a cycle). */
    private Key compute(String nodeId) {
        JsonNode entry = prompt.get(nodeId);
        Node node = entry == null ? null : registry.get(entry.path("class_type").asText());
        if (node == null || !entry.path("inputs").isObject()) return unique();
        ObjectNode inputs = (ObjectNode) entry.get("inputs");
        String fingerprint = fingerprint(node, inputs);
        if (fingerprint == null) return unique();
        boolean withId = node.schema().notIdempotent() || node.schema().hidden().stream()
                .anyMatch(h -> h instanceof InputSpec.HiddenInput hi && hi.type().equals("UNIQUE_ID"));

        Digest d = new Digest();
        d.add(entry.get("class_type").asText()).add(fingerprint).add(withId ? "id:" + nodeId : "");
        TreeMap<String, JsonNode> sorted = new TreeMap<>();
        inputs.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
        for (var e : sorted.entrySet()) {
            JsonNode v = e.getValue();
            d.add(e.getKey());
            if (NodeValues.isLink(v)) {
                Key ancestor = keys.get(v.get(0).textValue());
                if (ancestor == null) return unique();
                d.add("ANCESTOR").add(ancestor.digest()).add(v.get(1).toString());
            } else {
                d.add("VALUE").add(v.toString());
            }
        }
        return new Key(d.hex());
    }

    /** The fingerprint as canonical JSON, or null when it must match nothing. */
    private String fingerprint(Node node, ObjectNode inputs) {
        try {
            Object f = node.fingerprint(NodeValues.constants(node.schema(), inputs), environment);
            if (f instanceof Double x && x.isNaN() || f instanceof Float y && y.isNaN()) return null;
            return CANONICAL.writeValueAsString(f);
        } catch (Exception | Error e) {
            // ComfyUI's rule (a failing IS_CHANGED matches nothing), said in the log: a fingerprint
            // that always fails silently disables caching below the node.
            LOG.log(System.Logger.Level.WARNING, node.schema().name() + ": fingerprint failed, not cached: " + e);
            return null;
        }
    }

    private static Key unique() {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return new Key("unique:" + HexFormat.of().formatHex(nonce));
    }

    /** SHA-256 over length-prefixed UTF-8 parts, so no two part lists feed it the same bytes. */
    private static final class Digest {
        private final MessageDigest sha;

        Digest() {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-256", e);
            }
        }

        Digest add(String part) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
            sha.update(bytes);
            return this;
        }

        String hex() { return HexFormat.of().formatHex(sha.digest()); }
    }
}
