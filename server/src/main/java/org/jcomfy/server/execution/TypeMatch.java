package org.jcomfy.server.execution;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jcomfy.nodes.api.InputSpec;
import org.jcomfy.server.http.Json;

/**
 * Whether an output type may feed an input type, as ComfyUI's {@code validate_node_input}:
 * equal names match, {@code *} matches anything, and comma unions match when they share a type.
 */
final class TypeMatch {
    private TypeMatch() {}

    static boolean matches(String received, String input) {
        if (received.equals(input)) return true;
        if (input.equals("COMFY_MATCHTYPE_V3")) return true;
        Set<String> r = split(received), i = split(input);
        if (r.contains("*") || i.contains("*")) return true;
        return r.stream().anyMatch(i::contains);
    }

    /** The input's type as {@code return_type_mismatch} names it: a V1 combo is its option list, written as Python would. */
    static String inputTypeName(InputSpec spec, List<String> comboOptions, boolean v3) {
        if (spec instanceof InputSpec.ComboInput && !v3) return PythonText.repr(Json.MAPPER.valueToTree(comboOptions));
        return spec.type();
    }

    private static Set<String> split(String type) {
        return Arrays.stream(type.split(",")).map(String::strip).collect(Collectors.toSet());
    }
}
