package org.jcomfy.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jcomfy.server.UsageException;

/**
 * {@code --set NODE.INPUT=VALUE} for the headless commands: changes one widget value of an API
 * prompt before it is submitted (a seed, the prompt text, the step count, a size). NODE is a node
 * id, a node title (as the frontend shows it) or a class type that occurs once; the value takes the
 * JSON type of the value it replaces, so {@code steps=8} stays a number and {@code text=8} a string.
 * A connected input is not a widget and cannot be set: the graph's links stay as saved.
 */
record PromptOverrides(List<Override> overrides) {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** One {@code NODE.INPUT=VALUE}. */
    record Override(String node, String input, String value) {
        @java.lang.Override public String toString() { return node + "." + input + "=" + value; }
    }

    static PromptOverrides none() { return new PromptOverrides(List.of()); }

    /** Parses one {@code --set} argument; the last dot before '=' separates node from input (titles may hold dots). */
    static Override parse(String text) throws UsageException {
        int eq = text.indexOf('=');
        int dot = eq < 0 ? -1 : text.lastIndexOf('.', eq);
        if (eq < 0 || dot <= 0 || dot == eq - 1) {
            throw new UsageException("--set takes NODE.INPUT=VALUE, e.g. --set 3.seed=7 or --set KSampler.steps=8 (got '" + text + "')");
        }
        return new Override(text.substring(0, dot), text.substring(dot + 1, eq), text.substring(eq + 1));
    }

    PromptOverrides with(Override o) {
        List<Override> all = new ArrayList<>(overrides);
        all.add(o);
        return new PromptOverrides(List.copyOf(all));
    }

    /** Applies every override to {@code prompt} (an API prompt, changed in place), in order. */
    void applyTo(ObjectNode prompt) throws UsageException {
        for (Override o : overrides) {
            String id = nodeId(prompt, o.node());
            ObjectNode inputs = (ObjectNode) prompt.get(id).path("inputs");
            String what = "node " + id + " (" + prompt.get(id).path("class_type").asText() + ")";
            JsonNode old = inputs.get(o.input());
            if (old == null) {
                throw new UsageException("--set " + o + ": " + what + " has no input '" + o.input() + "'; its inputs: "
                        + String.join(", ", names(inputs)));
            }
            if (old.isArray()) {
                throw new UsageException("--set " + o + ": input '" + o.input() + "' of " + what + " is connected to node "
                        + old.path(0).asText() + ", not a widget value");
            }
            inputs.set(o.input(), typed(o, old));
        }
    }

    /** The value in the JSON type of the one it replaces. */
    private static JsonNode typed(Override o, JsonNode old) throws UsageException {
        String v = o.value().trim();
        try {
            if (old.isIntegralNumber()) return JSON.numberNode(Long.parseLong(v));
            if (old.isNumber()) return JSON.numberNode(Double.parseDouble(v));
        } catch (NumberFormatException e) {
            throw new UsageException("--set " + o + ": '" + o.input() + "' is a number (now " + old + "), not '" + o.value() + "'");
        }
        if (old.isBoolean()) {
            if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) return JSON.booleanNode(Boolean.parseBoolean(v));
            throw new UsageException("--set " + o + ": '" + o.input() + "' is true or false, not '" + o.value() + "'");
        }
        return JSON.textNode(o.value());
    }

    /** The id {@code node} names: an id, else the one node with that title, else the one of that class. */
    private static String nodeId(ObjectNode prompt, String node) throws UsageException {
        if (prompt.has(node)) return node;
        for (String key : List.of("title", "class_type")) {
            List<String> ids = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = prompt.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = key.equals("title") ? e.getValue().path("_meta").path("title") : e.getValue().path("class_type");
                if (v.asText().equals(node)) ids.add(e.getKey());
            }
            if (ids.size() == 1) return ids.get(0);
            if (ids.size() > 1) {
                throw new UsageException("--set: '" + node + "' names " + ids.size() + " nodes (" + String.join(", ", ids)
                        + "); use a node id");
            }
        }
        throw new UsageException("--set: the workflow has no node with id, title or class '" + node + "'");
    }

    private static List<String> names(ObjectNode inputs) {
        List<String> names = new ArrayList<>();
        inputs.fieldNames().forEachRemaining(n -> { if (!inputs.get(n).isArray()) names.add(n); });
        return names;
    }
}
