package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jcomfy.nodes.api.InputSpec;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.server.http.Json;

/**
 * Turns validated JSON constants into the Java values nodes receive: INT as Long (the low 64 bits
 * of unsigned seeds), FLOAT as Double, STRING and COMBO as String, BOOLEAN as Boolean, anything
 * else as plain maps and lists.
 */
final class NodeValues {
    private NodeValues() {}

    static boolean isLink(JsonNode v) {
        return v != null && v.isArray() && v.size() == 2 && v.get(0).isTextual() && v.get(1).isNumber();
    }

    static Object toJava(InputSpec spec, JsonNode v) {
        if (v == null || v.isNull()) return null;
        String type = spec == null ? "" : spec.type();
        return switch (type) {
            case "INT" -> v.isNumber() ? (Object) v.bigIntegerValue().longValue() : Json.MAPPER.convertValue(v, Object.class);
            case "FLOAT" -> v.isNumber() ? (Object) v.doubleValue() : Json.MAPPER.convertValue(v, Object.class);
            case "STRING", "COMBO" -> v.isTextual() ? v.textValue() : PythonText.str(v);
            case "BOOLEAN" -> v.isBoolean() ? v.booleanValue() : InputCoercion.truthy(v);
            default -> Json.MAPPER.convertValue(v, Object.class);
        };
    }

    /** The declared constant inputs of a node (links omitted), as a node's fingerprint and validator see them. */
    static NodeInputs constants(NodeSchema schema, ObjectNode inputs) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (InputSpec spec : schema.allInputs()) {
            if (spec instanceof InputSpec.HiddenInput) continue;
            JsonNode v = inputs.get(spec.name());
            if (v == null || v.isArray()) continue;
            if (v.isObject() && v.has("__value__")) v = v.get("__value__");
            values.put(spec.name(), toJava(spec, v));
        }
        return new NodeInputs(values);
    }
}
