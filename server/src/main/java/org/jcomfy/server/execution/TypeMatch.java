package org.jcomfy.server.execution;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

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

    private static Set<String> split(String type) {
        return Arrays.stream(type.split(",")).map(String::strip).collect(Collectors.toSet());
    }
}
