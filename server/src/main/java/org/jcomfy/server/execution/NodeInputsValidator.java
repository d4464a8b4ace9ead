package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jcomfy.nodes.api.InputSpec;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeRegistry;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.server.http.ErrorJson;
import org.jcomfy.server.http.Json;
import org.jcomfy.server.routes.InputSpecJson;

/**
 * ComfyUI's per-node check ({@code validate_inputs}): a depth-first walk from an output over linked
 * inputs, memoised per node across outputs. It coerces constants in place in the prompt, checks
 * min/max/combo values, link shapes and types, and detects cycles.
 */
final class NodeInputsValidator {
    /** The verdict on one node; {@code errors} are its own, empty when only an upstream node failed. */
    record Result(boolean valid, List<ObjectNode> errors) {}

    private final ObjectNode prompt;
    private final NodeRegistry registry;
    private final NodeEnvironment environment;
    private final Map<String, Result> validated = new LinkedHashMap<>();

    NodeInputsValidator(ObjectNode prompt, NodeRegistry registry, NodeEnvironment environment) {
        this.prompt = prompt;
        this.registry = registry;
        this.environment = environment;
    }

    /** Every node validated so far, in the order its verdict was reached. */
    Map<String, Result> validated() { return validated; }

    void record(String nodeId, Result result) { validated.put(nodeId, result); }

    Result validate(String nodeId, List<String> visiting) throws ValidationFailure {
        Result done = validated.get(nodeId);
        if (done != null) return done;
        if (visiting.contains(nodeId)) return cycle(nodeId, visiting);

        JsonNode entry = prompt.get(nodeId);
        JsonNode inputsNode = entry.get("inputs");
        if (inputsNode == null || !inputsNode.isObject()) throw new ValidationFailure("'inputs'", "KeyError", null);
        ObjectNode inputs = (ObjectNode) inputsNode;
        Node node = registry.get(entry.get("class_type").asText());
        NodeSchema schema = node.schema();
        boolean customValidator = CustomValidator.declares(node);

        List<ObjectNode> errors = new ArrayList<>();
        boolean valid = true;
        visiting.add(nodeId);
        try {
            List<InputSpec> declared = new ArrayList<>(schema.required());
            declared.addAll(schema.optional());
            for (InputSpec spec : declared) {
                boolean required = schema.required().contains(spec);
                String name = spec.name();
                JsonNode value = inputs.get(name);
                if (value == null) {
                    if (required) {
                        errors.add(ErrorJson.of("required_input_missing", "Required input is missing", name,
                                Json.object().put("input_name", name)));
                    }
                    continue;
                }
                List<String> comboOptions = spec instanceof InputSpec.ComboInput c ? c.options().apply(environment) : List.of();
                ArrayNode config = InputSpecJson.inputConfig(spec, comboOptions, schema.v3());
                if (value.isArray()) {
                    if (!checkLink(spec, value, config, comboOptions, schema.v3(), errors, visiting)) valid = false;
                } else {
                    checkConstant(inputs, spec, value, config, comboOptions, node.selfValidatedInputs().contains(name), errors);
                }
            }
            // The node's own check runs once the declared ones pass (see Node#validateInputs).
            if (customValidator && errors.isEmpty()) errors.addAll(CustomValidator.run(node, declared, inputs, environment));
        } finally {
            visiting.removeLast();
        }
        // A cycle found below this node has already recorded its error here; keep it.
        Result fromCycle = validated.get(nodeId);
        if (fromCycle != null) errors.addAll(0, fromCycle.errors());
        Result result = new Result(valid && errors.isEmpty(), errors);
        validated.put(nodeId, result);
        return result;
    }

    /**
     * Checks one linked input. A malformed link or a type mismatch adds an error to {@code errors};
     * returns false only when the upstream node itself is invalid (which adds no error here).
     */
    private boolean checkLink(InputSpec spec, JsonNode link, ArrayNode config, List<String> comboOptions,
                              boolean v3, List<ObjectNode> errors, List<String> visiting) throws ValidationFailure {
        String name = spec.name();
        if (link.size() != 2) {
            ObjectNode extra = Json.object().put("input_name", name);
            extra.set("input_config", config);
            extra.set("received_value", link);
            errors.add(ErrorJson.of("bad_linked_input", "Bad linked input, must be a length-2 list of [node_id, slot_index]",
                    name, extra));
            return true;
        }
        String sourceId = link.get(0).isTextual() ? link.get(0).textValue() : link.get(0).toString();
        JsonNode source = link.get(0).isTextual() ? prompt.get(sourceId) : null;
        if (source == null) throw new ValidationFailure(PythonText.repr(link.get(0)), "KeyError", null);
        JsonNode slotNode = link.get(1);
        if (!slotNode.isIntegralNumber()) {
            throw new ValidationFailure("tuple indices must be integers or slices, not "
                    + InputCoercion.pythonTypeName(slotNode), "TypeError", null);
        }
        Node upstream = registry.get(source.get("class_type").asText());
        int slot = slotNode.intValue();
        var outputs = upstream.schema().outputs();
        if (slot < 0) slot += outputs.size();
        if (slot < 0 || slot >= outputs.size()) throw new ValidationFailure("tuple index out of range", "IndexError", null);
        String receivedType = outputs.get(slot).type();
        String inputType = TypeMatch.inputTypeName(spec, comboOptions, v3);
        boolean v1Combo = spec instanceof InputSpec.ComboInput && !v3;
        boolean typeOk = v1Combo ? receivedType.equals("*") || receivedType.equals("COMBO") : TypeMatch.matches(receivedType, inputType);
        if (!typeOk) {
            ObjectNode extra = Json.object().put("input_name", name);
            extra.set("input_config", config);
            extra.put("received_type", receivedType);
            extra.set("linked_node", link);
            errors.add(ErrorJson.of("return_type_mismatch", "Return type mismatch between linked nodes",
                    name + ", received_type(" + receivedType + ") mismatch input_type(" + inputType + ")", extra));
            return true;
        }
        try {
            return validate(sourceId, visiting).valid();
        } catch (ValidationFailure | RuntimeException ex) {
            ValidationFailure f = ValidationFailure.of(ex);
            ObjectNode extra = Json.object().put("input_name", name);
            extra.set("input_config", config);
            extra.put("exception_message", f.getMessage());
            extra.put("exception_type", f.exceptionType());
            ArrayNode tb = extra.putArray("traceback");
            f.traceback().forEach(tb::add);
            extra.set("linked_node", link);
            validated.put(sourceId, new Result(false, List.of(ErrorJson.of("exception_during_inner_validation",
                    "Exception when validating inner node", f.getMessage(), extra))));
            return false;
        }
    }

    private void checkConstant(ObjectNode inputs, InputSpec spec, JsonNode value, ArrayNode config,
                               List<String> comboOptions, boolean customValidator, List<ObjectNode> errors) {
        String name = spec.name();
        String type = spec.type();
        if (value.isObject() && value.has("__value__")) {
            value = value.get("__value__");
            inputs.set(name, value);
        }
        try {
            value = InputCoercion.coerce(type, value);
            inputs.set(name, value);
        } catch (InputCoercion.Failure ex) {
            ObjectNode extra = Json.object().put("input_name", name);
            extra.set("input_config", config);
            extra.set("received_value", value);
            extra.put("exception_message", ex.getMessage());
            errors.add(ErrorJson.of("invalid_input_type", "Failed to convert an input value to a " + type + " value",
                    name + ", " + PythonText.str(value) + ", " + ex.getMessage(), extra));
            return;
        }
        if (customValidator) return; // ComfyUI skips range and list checks for inputs a custom validator sees
        ObjectNode extra = Json.object().put("input_name", name);
        extra.set("input_config", config);
        extra.set("received_value", value);
        Bounds bounds = Bounds.of(spec);
        if (bounds != null && value.isNumber()) {
            if (bounds.below(value)) {
                errors.add(ErrorJson.of("value_smaller_than_min", "Value " + PythonText.repr(value)
                        + " smaller than min of " + bounds.minText(), name, extra));
                return;
            }
            if (bounds.above(value)) {
                errors.add(ErrorJson.of("value_bigger_than_max", "Value " + PythonText.repr(value)
                        + " bigger than max of " + bounds.maxText(), name, extra));
                return;
            }
        }
        if (spec instanceof InputSpec.ComboInput c) {
            boolean multiselect = Boolean.TRUE.equals(c.extra().get("multiselect"));
            List<JsonNode> invalid = new ArrayList<>();
            if (multiselect && value.isArray()) {
                for (JsonNode v : value) if (!inList(v, comboOptions)) invalid.add(v);
            } else if (!inList(value, comboOptions)) {
                invalid.add(value);
            }
            if (!invalid.isEmpty()) {
                String listInfo;
                if (comboOptions.size() > 20) {
                    listInfo = "(list of length " + comboOptions.size() + ")";
                    extra.putNull("input_config");
                } else {
                    listInfo = PythonText.repr(Json.MAPPER.valueToTree(comboOptions));
                }
                errors.add(ErrorJson.of("value_not_in_list", "Value not in list",
                        name + ": '" + PythonText.str(value) + "' not in " + listInfo, extra));
            }
        }
    }

    private static boolean inList(JsonNode v, List<String> options) {
        return v.isTextual() && options.contains(v.textValue());
    }

    private Result cycle(String nodeId, List<String> visiting) {
        List<String> path = new ArrayList<>(visiting.subList(visiting.indexOf(nodeId), visiting.size()));
        path.add(nodeId);
        List<String> cycleNodes = new ArrayList<>(new LinkedHashSet<>(path));
        StringBuilder details = new StringBuilder();
        for (String id : path) {
            if (!details.isEmpty()) details.append(" -> ");
            details.append(id).append(" (").append(prompt.get(id).get("class_type").asText()).append(")");
        }
        for (String id : cycleNodes) {
            ObjectNode extra = Json.object().put("node_id", id);
            ArrayNode nodes = extra.putArray("cycle_nodes");
            cycleNodes.forEach(nodes::add);
            validated.put(id, new Result(false, List.of(ErrorJson.of("dependency_cycle", "Dependency cycle detected",
                    details.toString(), extra))));
        }
        return validated.get(nodeId);
    }

    /** The min/max of an INT or FLOAT input, compared exactly (INT bounds reach 2^64-1). */
    private record Bounds(BigInteger intMin, BigInteger intMax, Double floatMin, Double floatMax) {
        static Bounds of(InputSpec spec) {
            if (spec instanceof InputSpec.IntInput i) return new Bounds(i.min(), i.max(), null, null);
            if (spec instanceof InputSpec.FloatInput f) return new Bounds(null, null, f.min(), f.max());
            return null;
        }

        boolean below(JsonNode v) {
            if (intMin != null) return v.isIntegralNumber() ? v.bigIntegerValue().compareTo(intMin) < 0 : v.doubleValue() < intMin.doubleValue();
            return floatMin != null && v.doubleValue() < floatMin;
        }

        boolean above(JsonNode v) {
            if (intMax != null) return v.isIntegralNumber() ? v.bigIntegerValue().compareTo(intMax) > 0 : v.doubleValue() > intMax.doubleValue();
            return floatMax != null && v.doubleValue() > floatMax;
        }

        String minText() { return intMin != null ? intMin.toString() : PythonText.floatRepr(floatMin); }

        String maxText() { return intMax != null ? intMax.toString() : PythonText.floatRepr(floatMax); }
    }
}
