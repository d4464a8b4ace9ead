package org.jcomfy.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeRegistry;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.server.http.Json;

/**
 * A workflow (API format) rewritten for the cache search. Its output nodes are replaced by probes
 * that bring back what the runs are compared on: a {@code PreviewImage} on every IMAGE the
 * workflow saved or previewed (lossless PNGs in the temp folder, fetched through {@code /view})
 * and a {@code SaveLatent} on each sampler whose latent no other sampler takes. Each run then
 * puts one cache node between every distinct MODEL source and the samplers it feeds.
 */
final class SearchPrompt {
    static final List<String> SAMPLERS = List.of("KSampler", "KSamplerAdvanced");
    static final String LATENT_PREFIX = "cache_search/latent";

    private final ObjectNode probed;
    private final List<String> samplers;
    private final List<String> frameProbes = new ArrayList<>(), latentProbes = new ArrayList<>();
    private int nextId;

    private SearchPrompt(ObjectNode prompt, NodeRegistry registry) {
        probed = prompt.deepCopy();
        samplers = new ArrayList<>();
        probed.properties().forEach(e -> {
            if (SAMPLERS.contains(e.getValue().path("class_type").asText())) samplers.add(e.getKey());
        });
        if (samplers.isEmpty()) throw new IllegalArgumentException("the workflow has no " + String.join(" or ", SAMPLERS));
        for (String id : ids()) {
            if (id.matches("\\d{1,9}")) nextId = Math.max(nextId, Integer.parseInt(id));
        }
        nextId += 1000;
        Set<String> consumed = new LinkedHashSet<>();
        for (JsonNode node : probed) links(node).forEach(link -> consumed.add(link.get(0).asText()));
        Map<String, ArrayNode> images = new LinkedHashMap<>();
        for (String id : ids()) {
            JsonNode node = probed.get(id);
            NodeSchema schema = schema(registry, node);
            if (schema == null || !schema.outputNode() || consumed.contains(id)) continue;
            for (ArrayNode link : links(node)) {
                NodeSchema source = schema(registry, probed.path(link.get(0).asText()));
                int slot = link.get(1).asInt();
                if (source != null && slot < source.outputs().size() && source.outputs().get(slot).type().equals("IMAGE")) {
                    images.putIfAbsent(link.get(0).asText() + ":" + slot, link);
                }
            }
            probed.remove(id);
        }
        for (ArrayNode link : images.values()) frameProbes.add(add("PreviewImage", "images", link));
        for (String sampler : samplers) {
            boolean feedsSampler = samplers.stream().anyMatch(s -> linksTo(probed.get(s), "latent_image", sampler));
            if (!feedsSampler) latentProbes.add(add("SaveLatent", "samples", Json.MAPPER.createArrayNode().add(sampler).add(0)));
        }
    }

    /** The workflow's samplers found and its output nodes replaced by probes; refused when it has no sampler. */
    static SearchPrompt of(ObjectNode apiPrompt, NodeRegistry registry) { return new SearchPrompt(apiPrompt, registry); }

    List<String> samplers() { return samplers; }

    /** The probes that bring back decoded frames (none when the workflow decodes nothing). */
    List<String> frameProbes() { return frameProbes; }

    List<String> latentProbes() { return latentProbes; }

    /** The first sampler's {@code steps}, or -1 when it is not a number in the prompt (a link). */
    int steps() {
        JsonNode steps = probed.get(samplers.getFirst()).path("inputs").path("steps");
        return steps.isIntegralNumber() ? steps.asInt() : -1;
    }

    /** The prompt as the workflow has it (with the probes): the uncached baseline. */
    ObjectNode uncached() { return probed.deepCopy(); }

    /** The prompt with a {@code classType} node of {@code knobs} between each MODEL source and its samplers. */
    ObjectNode cached(String classType, Map<String, Object> knobs) {
        ObjectNode prompt = probed.deepCopy();
        Map<String, String> cacheOf = new LinkedHashMap<>();
        int id = nextId + 500;
        for (String sampler : samplers) {
            ObjectNode inputs = (ObjectNode) prompt.get(sampler).get("inputs");
            JsonNode model = inputs.get("model");
            String key = model.toString();
            String cacheId = cacheOf.get(key);
            if (cacheId == null) {
                cacheId = Integer.toString(id++);
                cacheOf.put(key, cacheId);
                ObjectNode node = prompt.putObject(cacheId);
                node.put("class_type", classType);
                ObjectNode cacheInputs = node.putObject("inputs");
                cacheInputs.set("model", model);
                knobs.forEach((name, value) -> cacheInputs.set(name, Json.MAPPER.valueToTree(value)));
            }
            inputs.set("model", Json.MAPPER.createArrayNode().add(cacheId).add(0));
        }
        return prompt;
    }

    private String add(String classType, String input, ArrayNode link) {
        String id = Integer.toString(nextId++);
        ObjectNode node = probed.putObject(id);
        node.put("class_type", classType);
        ObjectNode inputs = node.putObject("inputs");
        inputs.set(input, link);
        if (classType.equals("SaveLatent")) inputs.put("filename_prefix", LATENT_PREFIX);
        return id;
    }

    private List<String> ids() {
        List<String> ids = new ArrayList<>();
        probed.fieldNames().forEachRemaining(ids::add);
        return ids;
    }

    private static NodeSchema schema(NodeRegistry registry, JsonNode node) {
        Node n = registry.get(node.path("class_type").asText());
        return n == null ? null : n.schema();
    }

    /** The node's inputs that are links {@code [source id, output slot]}. */
    private static List<ArrayNode> links(JsonNode node) {
        List<ArrayNode> links = new ArrayList<>();
        for (JsonNode v : node.path("inputs")) {
            if (v.isArray() && v.size() == 2 && v.get(0).isTextual() && v.get(1).isIntegralNumber()) links.add((ArrayNode) v);
        }
        return links;
    }

    private static boolean linksTo(JsonNode node, String input, String source) {
        JsonNode v = node.path("inputs").path(input);
        return v.isArray() && v.size() == 2 && v.get(0).asText().equals(source);
    }
}
