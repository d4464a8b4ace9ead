package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jcomfy.nodes.api.ExecutionContext;
import org.jcomfy.nodes.api.InputSpec;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeOutput;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.api.OutputSpec;

/**
 * Runs one node with ComfyUI's list semantics (§6.6): every input is a list (constants are
 * one-element lists, links the upstream output list); an input-list node is called once with the
 * lists, any other node once per element of the longest list, shorter lists repeating their last
 * element. Outputs are merged per slot and UI dicts key by key.
 */
final class NodeCall {
    /** The inputs of the call, kept for {@code current_inputs} when the node fails. */
    private final Map<String, List<Object>> inputs = new LinkedHashMap<>();
    private final Node node;

    /**
     * @param upstream resolves a link {@code [id, slot]} to that output's value list
     * @param hidden   resolves a hidden input type (PROMPT, EXTRA_PNGINFO, UNIQUE_ID, ...) to its value
     */
    NodeCall(Node node, ObjectNode promptInputs, Function<JsonNode, List<Object>> upstream, Function<String, Object> hidden) {
        this.node = node;
        NodeSchema schema = node.schema();
        for (var it = promptInputs.fields(); it.hasNext(); ) {
            var e = it.next();
            InputSpec spec = schema.input(e.getKey());
            if (spec instanceof InputSpec.HiddenInput) continue;
            if (NodeValues.isLink(e.getValue())) {
                inputs.put(e.getKey(), upstream.apply(e.getValue()));
            } else if (spec != null) {
                List<Object> one = new ArrayList<>(1);
                one.add(NodeValues.toJava(spec, e.getValue()));
                inputs.put(e.getKey(), one);
            }
        }
        for (InputSpec h : schema.hidden()) {
            List<Object> one = new ArrayList<>(1);
            one.add(hidden.apply(h.type()));
            inputs.put(h.name(), one);
        }
    }

    Map<String, List<Object>> inputs() { return inputs; }

    NodeResult run(ExecutionContext context) throws Exception {
        NodeSchema schema = node.schema();
        List<NodeOutput> calls = new ArrayList<>();
        if (schema.isInputList()) {
            context.checkInterrupted();
            calls.add(node.execute(new NodeInputs(new LinkedHashMap<>(inputs)), context));
        } else {
            int count = inputs.values().stream().mapToInt(List::size).max().orElse(0);
            if (count == 0) count = 1;
            for (int i = 0; i < count; i++) {
                Map<String, Object> slice = new LinkedHashMap<>();
                for (var e : inputs.entrySet()) {
                    List<Object> l = e.getValue();
                    slice.put(e.getKey(), l.isEmpty() ? null : l.get(Math.min(i, l.size() - 1)));
                }
                context.checkInterrupted();
                calls.add(node.execute(new NodeInputs(slice), context));
            }
        }
        return merge(schema.outputs(), calls);
    }

    @SuppressWarnings("unchecked")
    private static NodeResult merge(List<OutputSpec> specs, List<NodeOutput> calls) {
        List<List<Object>> outputs = new ArrayList<>();
        for (int k = 0; k < specs.size(); k++) {
            List<Object> merged = new ArrayList<>();
            for (NodeOutput call : calls) {
                Object v = call == null || call.results() == null || k >= call.results().size() ? null : call.results().get(k);
                if (specs.get(k).isList() && v instanceof List<?> l) merged.addAll((List<Object>) l);
                else merged.add(v);
            }
            outputs.add(merged);
        }
        Map<String, List<Object>> ui = null;
        NodeOutput first = calls.isEmpty() ? null : calls.getFirst();
        if (first != null && first.ui() != null) {
            ui = new LinkedHashMap<>();
            for (String key : first.ui().keySet()) {
                List<Object> all = new ArrayList<>();
                for (NodeOutput call : calls) {
                    if (call != null && call.ui() != null && call.ui().get(key) != null) all.addAll(call.ui().get(key));
                }
                ui.put(key, all);
            }
        }
        return new NodeResult(outputs, ui);
    }
}
