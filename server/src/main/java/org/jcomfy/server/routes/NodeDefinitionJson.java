package org.jcomfy.server.routes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jcomfy.nodes.api.InputSpec;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.api.OutputSpec;
import org.jcomfy.server.http.Json;

/**
 * One node's {@code /object_info} entry (PROTOCOL §5, NODES.md §0.1), in the key order ComfyUI
 * writes. V1 nodes omit unset optional keys, write combos as {@code [[options], {...}]} and
 * hidden inputs as strings; V3 nodes write every field (null when unset) and hidden inputs as
 * 1-element arrays. Each input is written by {@link InputSpecJson}. Input key order is
 * declaration order, repeated in {@code input_order}.
 */
public final class NodeDefinitionJson {
    private NodeDefinitionJson() {}

    public static ObjectNode of(NodeSchema s, NodeEnvironment env) {
        ObjectNode def = Json.object();
        ObjectNode input = def.putObject("input");
        ObjectNode order = Json.object();
        section(input, order, "required", s.required(), s.v3(), env, true);
        section(input, order, "optional", s.optional(), s.v3(), env, false);
        section(input, order, "hidden", s.hidden(), s.v3(), env, false);
        def.set("input_order", order);
        def.put("is_input_list", s.isInputList());

        ArrayNode output = def.putArray("output");
        ArrayNode outputIsList = def.putArray("output_is_list");
        ArrayNode outputName = def.putArray("output_name");
        boolean anyTooltip = false;
        for (OutputSpec o : s.outputs()) {
            output.add(o.type());
            outputIsList.add(o.isList());
            outputName.add(o.name() != null ? o.name() : o.type());
            anyTooltip |= o.tooltip() != null;
        }
        if (s.v3()) {
            tooltips(def, s.outputs());
            def.putNull("output_matchtypes");
        }
        def.put("name", s.name());
        def.put("display_name", s.v3() ? s.displayName() : (s.displayName() != null ? s.displayName() : s.name()));
        def.put("description", s.description() != null ? s.description() : "");
        def.put("python_module", s.pythonModule());
        def.put("category", s.category());
        def.put("output_node", s.outputNode());
        if (s.v3()) {
            def.put("deprecated", s.deprecated());
            def.put("experimental", s.experimental());
            def.put("dev_only", false);
            def.put("api_node", false);
            def.putNull("price_badge");
            if (s.searchAliases().isEmpty()) def.putNull("search_aliases");
            else aliases(def, s.searchAliases());
            def.putNull("essentials_category");
            def.put("has_intermediate_output", false);
        } else {
            def.put("has_intermediate_output", false);
            if (anyTooltip) tooltips(def, s.outputs());
            if (s.deprecated()) def.put("deprecated", true);
            if (s.experimental()) def.put("experimental", true);
            aliases(def, s.searchAliases());
        }
        return def;
    }

    private static void tooltips(ObjectNode def, List<OutputSpec> outputs) {
        ArrayNode t = def.putArray("output_tooltips");
        for (OutputSpec o : outputs) {
            if (o.tooltip() == null) t.addNull(); else t.add(o.tooltip());
        }
    }

    private static void aliases(ObjectNode def, List<String> aliases) {
        ArrayNode a = def.putArray("search_aliases");
        aliases.forEach(a::add);
    }

    /** Writes one input section and its order list; {@code required} is always present, as upstream. */
    private static void section(ObjectNode input, ObjectNode order, String name, List<InputSpec> specs, boolean v3,
                                NodeEnvironment env, boolean always) {
        if (specs.isEmpty() && !always) return;
        ObjectNode section = input.putObject(name);
        ArrayNode names = order.putArray(name);
        for (InputSpec spec : specs) {
            names.add(spec.name());
            if (spec instanceof InputSpec.HiddenInput h) {
                if (v3) section.putArray(h.name()).add(h.type());
                else section.put(h.name(), h.type());
            } else {
                List<String> options = spec instanceof InputSpec.ComboInput c ? c.options().apply(env) : List.of();
                section.set(spec.name(), InputSpecJson.objectInfo(spec, options, v3));
            }
        }
    }
}
