package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.jcomfy.nodes.api.InputSpec;

/**
 * The {@code [type, options]} pair of one input, as validation errors report it in
 * {@code extra_info.input_config}. V1 combos put their option list in place of the type.
 */
final class InputConfigJson {
    private InputConfigJson() {}

    static ArrayNode of(InputSpec spec, List<String> comboOptions, boolean v3) {
        ArrayNode pair = Json.array();
        ObjectNode options = Json.object();
        switch (spec) {
            case InputSpec.IntInput i -> {
                pair.add(i.type());
                if (i.defaultValue() != null) options.set("default", Json.integer(i.defaultValue()));
                if (i.min() != null) options.set("min", Json.integer(i.min()));
                if (i.max() != null) options.set("max", Json.integer(i.max()));
                options.put("step", i.step());
            }
            case InputSpec.FloatInput f -> {
                pair.add(f.type());
                options.put("default", f.defaultValue());
                options.put("min", f.min());
                options.put("max", f.max());
                options.put("step", f.step());
                if (f.round() != null) options.put("round", f.round());
            }
            case InputSpec.StringInput s -> {
                pair.add(s.type());
                if (s.defaultValue() != null) options.put("default", s.defaultValue());
                if (s.multiline()) options.put("multiline", true);
            }
            case InputSpec.BooleanInput b -> {
                pair.add(b.type());
                options.put("default", b.defaultValue());
            }
            case InputSpec.ComboInput c -> {
                ArrayNode list = Json.array();
                comboOptions.forEach(list::add);
                if (v3) {
                    pair.add("COMBO");
                    options.set("options", list);
                } else {
                    pair.add(list);
                }
                if (c.defaultValue() != null) options.put("default", c.defaultValue());
            }
            default -> pair.add(spec.type());
        }
        for (Map.Entry<String, Object> e : spec.extra().entrySet()) {
            options.set(e.getKey(), Json.MAPPER.valueToTree(e.getValue()));
        }
        pair.add(options);
        return pair;
    }

    /** The type name used in {@code return_type_mismatch} messages. */
    static String typeName(InputSpec spec, List<String> comboOptions, boolean v3) {
        if (spec instanceof InputSpec.ComboInput && !v3) return PythonText.repr(Json.MAPPER.valueToTree(comboOptions));
        return spec.type();
    }

}
