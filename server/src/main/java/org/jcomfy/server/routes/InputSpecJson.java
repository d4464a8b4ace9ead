package org.jcomfy.server.routes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.jcomfy.nodes.api.InputSpec;
import org.jcomfy.server.http.Json;

/**
 * One input's {@code [TYPE, options]} (PROTOCOL §5.2), as {@code /object_info} writes it and as
 * validation errors repeat it in {@code extra_info.input_config}: the type's own keys first, then
 * the declared extras. V1 combos put their option list in place of the type, V3 combos write
 * {@code "COMBO"} with {@code options}. INT bounds are exact integers (seeds reach 2^64-1), and
 * an INT step of 1 is left out, as for upstream nodes that do not declare one.
 */
public final class InputSpecJson {
    private InputSpecJson() {}

    /**
     * The pair as {@code /object_info} writes it: a V1 input without options is a one-element
     * array ({@code ["MODEL"]}). {@code comboOptions} are the options of a combo (ignored otherwise).
     */
    public static ArrayNode objectInfo(InputSpec spec, List<String> comboOptions, boolean v3) {
        ArrayNode pair = pair(spec, comboOptions, v3);
        if (!v3 && pair.get(1).isEmpty()) pair.remove(1);
        return pair;
    }

    /** The pair as validation reports it: upstream's {@code (type, extra_info)} tuple always has both elements. */
    public static ArrayNode inputConfig(InputSpec spec, List<String> comboOptions, boolean v3) {
        return pair(spec, comboOptions, v3);
    }

    private static ArrayNode pair(InputSpec spec, List<String> comboOptions, boolean v3) {
        ArrayNode pair = Json.array();
        ObjectNode options = Json.object();
        switch (spec) {
            case InputSpec.IntInput i -> {
                pair.add("INT");
                if (i.defaultValue() != null) options.set("default", Json.integer(i.defaultValue()));
                if (i.min() != null) options.set("min", Json.integer(i.min()));
                if (i.max() != null) options.set("max", Json.integer(i.max()));
                if (i.step() != 1) options.put("step", i.step());
            }
            case InputSpec.FloatInput f -> {
                pair.add("FLOAT");
                options.put("default", f.defaultValue());
                options.put("min", f.min());
                options.put("max", f.max());
                options.put("step", f.step());
                if (f.round() != null) options.put("round", f.round());
            }
            case InputSpec.StringInput s -> {
                pair.add("STRING");
                if (s.defaultValue() != null) options.put("default", s.defaultValue());
                if (s.multiline()) options.put("multiline", true);
            }
            case InputSpec.BooleanInput b -> {
                pair.add("BOOLEAN");
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
            case InputSpec.SocketInput s -> pair.add(s.type());
            case InputSpec.HiddenInput h -> pair.add(h.type());
        }
        for (Map.Entry<String, Object> e : spec.extra().entrySet()) options.set(e.getKey(), Json.tree(e.getValue()));
        pair.add(options);
        return pair;
    }
}
