package org.jcomfy.nodes.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jcomfy.nodes.api.InputSpec;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeRegistry;
import org.jcomfy.nodes.api.NodeSchema;

/**
 * Turns a saved UI workflow (litegraph {@code nodes}/{@code links}, schema 0.4 or 1) into the
 * API prompt the frontend would queue — the server-side twin of the frontend's
 * {@code graphToPrompt}, so {@code jcomfy run workflow.json} works headless.
 *
 * <p>Rules (spec/PROTOCOL.md §3.3, spec/NODES.md §0.3): {@code widgets_values} map positionally
 * onto the node's widget inputs (required then optional, in declaration order), skipping the
 * frontend-only "control after generate" value after seeds; linked inputs become
 * {@code ["origin id", slot]}; muted nodes (mode 2) and frontend-only nodes (Note,
 * MarkdownNote) vanish; bypassed nodes (mode 4) and Reroutes pass their same-typed input
 * through; PrimitiveNode pushes its value into the widgets it feeds. Subgraphs are not expanded.
 */
public final class UiWorkflowConverter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FRONTEND_ONLY = Set.of("Note", "MarkdownNote", "Reroute", "PrimitiveNode");
    private static final int MODE_MUTED = 2, MODE_BYPASS = 4;

    private final NodeRegistry registry;

    public UiWorkflowConverter(NodeRegistry registry) { this.registry = registry; }

    /** One link of the UI graph. */
    private record Link(long id, String origin, int originSlot, String target, int targetSlot, String type) {}

    /** True when the JSON looks like a UI workflow rather than an API prompt. */
    public static boolean isUiWorkflow(JsonNode json) {
        return json.has("nodes") && json.get("nodes").isArray() && json.has("links");
    }

    public ObjectNode convert(JsonNode workflow) {
        if (!isUiWorkflow(workflow)) throw new IllegalArgumentException("not a UI workflow: it has no 'nodes' and 'links'");
        Map<String, JsonNode> nodes = new LinkedHashMap<>();
        for (JsonNode n : workflow.get("nodes")) nodes.put(n.get("id").asText(), n);
        Map<Long, Link> links = readLinks(workflow.get("links"));

        ObjectNode prompt = JSON.createObjectNode();
        for (JsonNode n : sortedByOrder(nodes.values())) {
            String type = n.path("type").asText();
            int mode = n.path("mode").asInt(0);
            if (FRONTEND_ONLY.contains(type) || mode == MODE_MUTED || mode == MODE_BYPASS) continue;
            Node node = registry.get(type);
            if (node == null) throw new IllegalArgumentException("node " + n.get("id").asText() + " has unknown type '" + type + "'");
            NodeSchema schema = node.schema();
            ObjectNode inputs = JSON.createObjectNode();
            assignWidgets(schema, n.path("widgets_values"), inputs);
            for (JsonNode slot : n.path("inputs")) {
                if (slot.path("link").isNull() || slot.path("link").isMissingNode()) continue;
                Link link = links.get(slot.get("link").asLong());
                if (link == null) continue;
                String name = slot.path("widget").has("name") ? slot.get("widget").get("name").asText() : slot.path("name").asText();
                JsonNode resolved = resolve(link, nodes, links, 0);
                if (resolved == null) {
                    inputs.remove(name);
                } else {
                    inputs.set(name, resolved);
                }
            }
            ObjectNode entry = prompt.putObject(n.get("id").asText());
            entry.set("inputs", inputs);
            entry.put("class_type", type);
            entry.putObject("_meta").put("title", n.hasNonNull("title") ? n.get("title").asText() : schema.displayName() == null ? type : schema.displayName());
        }
        dropLinksToMissingNodes(prompt);
        return prompt;
    }

    /** Positional widget values onto widget inputs. */
    private static void assignWidgets(NodeSchema schema, JsonNode values, ObjectNode inputs) {
        if (!values.isArray()) return;
        int i = 0;
        List<InputSpec> widgets = new ArrayList<>(schema.required());
        widgets.addAll(schema.optional());
        for (InputSpec spec : widgets) {
            if (spec instanceof InputSpec.SocketInput || Boolean.TRUE.equals(spec.extra().get("forceInput"))) continue;
            if (i >= values.size()) break;
            JsonNode v = values.get(i++);
            inputs.set(spec.name(), v.isArray() ? JSON.createObjectNode().set("__value__", v) : v);
            if (spec.extra().containsKey("control_after_generate")) i++;
        }
    }

    /**
     * What a link delivers: {@code ["id", slot]} of a real node, a constant from a PrimitiveNode,
     * or null when the chain ends at a muted or missing node.
     */
    private JsonNode resolve(Link link, Map<String, JsonNode> nodes, Map<Long, Link> links, int depth) {
        if (depth > nodes.size()) throw new IllegalArgumentException("link cycle through reroutes or bypassed nodes");
        JsonNode origin = nodes.get(link.origin());
        if (origin == null) return null;
        String type = origin.path("type").asText();
        int mode = origin.path("mode").asInt(0);
        if ("PrimitiveNode".equals(type)) {
            JsonNode v = origin.path("widgets_values").path(0);
            return v.isMissingNode() ? null : v;
        }
        if ("Reroute".equals(type) || mode == MODE_BYPASS) {
            for (JsonNode slot : origin.path("inputs")) {
                boolean sameType = "Reroute".equals(type) || slot.path("type").asText().equals(link.type());
                if (sameType && slot.hasNonNull("link")) {
                    Link upstream = links.get(slot.get("link").asLong());
                    if (upstream != null) return resolve(upstream, nodes, links, depth + 1);
                }
            }
            return null;
        }
        if (mode == MODE_MUTED) return null;
        ArrayNode ref = JSON.createArrayNode();
        ref.add(link.origin());
        ref.add(link.originSlot());
        return ref;
    }

    private static void dropLinksToMissingNodes(ObjectNode prompt) {
        for (JsonNode entry : prompt) {
            ObjectNode inputs = (ObjectNode) entry.get("inputs");
            List<String> dead = new ArrayList<>();
            inputs.properties().forEach(e -> {
                JsonNode v = e.getValue();
                if (v.isArray() && v.size() == 2 && v.get(0).isTextual() && !prompt.has(v.get(0).asText())) dead.add(e.getKey());
            });
            dead.forEach(inputs::remove);
        }
    }

    private static Map<Long, Link> readLinks(JsonNode json) {
        Map<Long, Link> links = new HashMap<>();
        for (JsonNode l : json) {
            Link link = l.isArray()
                    ? new Link(l.get(0).asLong(), l.get(1).asText(), l.get(2).asInt(), l.get(3).asText(), l.get(4).asInt(), l.path(5).asText())
                    : new Link(l.get("id").asLong(), l.get("origin_id").asText(), l.get("origin_slot").asInt(),
                               l.get("target_id").asText(), l.get("target_slot").asInt(), l.path("type").asText());
            links.put(link.id(), link);
        }
        return links;
    }

    /** The frontend walks nodes in execution order; saved files carry it as {@code order}. */
    private static List<JsonNode> sortedByOrder(Iterable<JsonNode> nodes) {
        List<JsonNode> list = new ArrayList<>();
        nodes.forEach(list::add);
        list.sort((a, b) -> Integer.compare(a.path("order").asInt(0), b.path("order").asInt(0)));
        return list;
    }
}
