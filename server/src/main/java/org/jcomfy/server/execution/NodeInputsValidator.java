package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jcomfy.server.http.ErrorJson;
import org.jcomfy.server.routes.InputSpecJson;
import org.jcomfy.server.http.Json;
import org.jcomfy.nodes.api.InputCheck;
import org.jcomfy.nodes.api.InputSpec;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeRegistry;
import org.jcomfy.nodes.api.NodeSchema;
import org.jcomfy.nodes.api.OutputSpec;

/**
 * ComfyUI's per-node check ({@code validate_inputs}): a depth-first walk from an output over linked
 * inputs, memoised per node across outputs. It coerces constants in place in the prompt, checks
 * min/max/combo values, link shapes, slots and types, and detects cycles.
 *
 * <p>The walk keeps its own stack of {@link Frame}s instead of recursing, so a chain of any length
 * validates in time and memory linear in the graph. Each frame checks its node's inputs in order and
 * pauses at a link whose source has no verdict yet; the source's frame goes on top, and its verdict
 * (or the exception it raised, as ComfyUI lets Python exceptions escape) resumes the frame below.
 */
final class NodeInputsValidator {
    /** The verdict on one node; {@code errors} are its own, empty when only an upstream node failed. */
    record Result(boolean valid, List<ObjectNode> errors) {}

    /**
     * Cycles longer than this are shortened in {@code details} and {@code cycle_nodes}: every node of
     * the cycle carries the error, so the full path on each would make the answer quadratic in size.
     */
    static final int CYCLE_SHOWN = 32;

    /** One input to check: declared ones have their spec; undeclared links ({@code spec} null) only feed the walk. */
    private record Input(String name, InputSpec spec, boolean required) {}

    /** The link a frame is paused on, for the error its source's exception becomes. */
    private record Pending(String inputName, JsonNode config, JsonNode link) {}

    /** A node under validation: where it is in its inputs and what it found so far. */
    private static final class Frame {
        final String id;
        final ObjectNode inputs;
        final Node node;
        final List<InputSpec> declared;
        final List<Input> toCheck;
        final List<ObjectNode> errors = new ArrayList<>();
        int next;
        boolean valid = true;
        Pending pending;

        Frame(String id, ObjectNode inputs, Node node) {
            this.id = id;
            this.inputs = inputs;
            this.node = node;
            NodeSchema schema = node.schema();
            declared = new ArrayList<>(schema.required());
            declared.addAll(schema.optional());
            toCheck = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (InputSpec s : schema.required()) toCheck.add(new Input(s.name(), s, true));
            for (InputSpec s : schema.optional()) toCheck.add(new Input(s.name(), s, false));
            for (Input in : toCheck) names.add(in.name());
            // Execution follows every link in the prompt, declared or not, so every one is checked here.
            for (var it = inputs.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!names.contains(e.getKey()) && NodeValues.isLink(e.getValue())) toCheck.add(new Input(e.getKey(), null, false));
            }
        }
    }

    private final ObjectNode prompt;
    private final NodeRegistry registry;
    private final NodeEnvironment environment;
    private final Map<String, Result> validated = new HashMap<>();
    /** The nodes of {@link #validated} in the order their first verdict was reached. */
    private final List<String> reached = new ArrayList<>();
    /** Combo options are looked up once per validation (they may list folders). */
    private final Map<InputSpec, List<String>> comboOptions = new IdentityHashMap<>();
    private final List<Frame> stack = new ArrayList<>();
    private final Map<String, Integer> stackIndex = new HashMap<>();

    NodeInputsValidator(ObjectNode prompt, NodeRegistry registry, NodeEnvironment environment) {
        this.prompt = prompt;
        this.registry = registry;
        this.environment = environment;
    }

    /** Every node validated so far. */
    Map<String, Result> validated() { return validated; }

    /** The validated nodes in the order their first verdict was reached (ComfyUI's dict order). */
    List<String> reachedOrder() { return reached; }

    void record(String nodeId, Result result) {
        if (validated.put(nodeId, result) == null) reached.add(nodeId);
    }

    /**
     * Validates {@code nodeId} and everything upstream of it. An exception in the node itself (a link
     * to a missing node, a bad slot) is thrown, as from ComfyUI's {@code validate_inputs}; one in an
     * upstream node is recorded on that node as {@code exception_during_inner_validation}.
     */
    Result validate(String nodeId) throws ValidationFailure {
        Result known = validated.get(nodeId);
        if (known != null) return known;
        push(nodeId);
        while (true) {
            Frame top = stack.getLast();
            String source;
            Result verdict = null;
            try {
                source = advance(top);
                if (source == null) verdict = finish(top);
            } catch (ValidationFailure | RuntimeException ex) {
                pop();
                if (stack.isEmpty()) throw ValidationFailure.of(ex);
                innerFailure(stack.getLast(), top.id, ex);
                continue;
            }
            if (source != null) {
                try {
                    push(source);
                } catch (ValidationFailure | RuntimeException ex) {
                    innerFailure(top, source, ex);
                }
                continue;
            }
            pop();
            if (stack.isEmpty()) return verdict;
            Frame below = stack.getLast();
            if (!verdict.valid()) below.valid = false;
            below.pending = null;
        }
    }

    private void push(String nodeId) throws ValidationFailure {
        JsonNode entry = prompt.get(nodeId);
        JsonNode inputs = entry.get("inputs");
        if (inputs == null || !inputs.isObject()) throw new ValidationFailure("'inputs'", "KeyError", null);
        Node node = registry.get(entry.get("class_type").asText());
        stackIndex.put(nodeId, stack.size());
        stack.add(new Frame(nodeId, (ObjectNode) inputs, node));
    }

    private void pop() { stackIndex.remove(stack.removeLast().id); }

    /** Checks the frame's inputs from where it paused; returns a source to validate first, or null when done. */
    private String advance(Frame f) throws ValidationFailure {
        NodeSchema schema = f.node.schema();
        while (f.next < f.toCheck.size()) {
            Input in = f.toCheck.get(f.next++);
            JsonNode value = f.inputs.get(in.name());
            if (in.spec() == null) {
                String source = checkLink(f, in.name(), null, value, null, null);
                if (source != null) return source;
                continue;
            }
            if (value == null) {
                if (in.required()) {
                    f.errors.add(ErrorJson.of("required_input_missing", "Required input is missing", in.name(),
                            Json.object().put("input_name", in.name())));
                }
                continue;
            }
            List<String> options = optionsOf(in.spec());
            ArrayNode config = InputSpecJson.inputConfig(in.spec(), options, schema.v3());
            if (value.isArray()) {
                String source = checkLink(f, in.name(), in.spec(), value, config, options);
                if (source != null) return source;
            } else {
                checkConstant(f, in.spec(), value, config, options);
            }
        }
        return null;
    }

    /** The node's own check runs once the declared ones pass (see Node#validateInputs). */
    private Result finish(Frame f) {
        if (f.errors.isEmpty() && CustomValidator.declares(f.node)) {
            f.errors.addAll(CustomValidator.run(f.node, f.declared, f.inputs, environment));
        }
        // A cycle found below this node has already recorded its error here; keep it.
        Result fromCycle = validated.get(f.id);
        if (fromCycle != null) f.errors.addAll(0, fromCycle.errors());
        Result result = new Result(f.valid && f.errors.isEmpty(), f.errors);
        record(f.id, result);
        return result;
    }

    private List<String> optionsOf(InputSpec spec) {
        if (!(spec instanceof InputSpec.ComboInput c)) return List.of();
        return comboOptions.computeIfAbsent(spec, s -> c.options().apply(environment));
    }

    /**
     * Checks one linked input ({@code spec} null for an undeclared one, which has no type to match).
     * A malformed link or a type mismatch adds an error; a missing source or a bad slot throws. Returns
     * the source when its verdict is still to be reached, else null (an invalid source already made
     * the frame invalid, adding no error here).
     */
    private String checkLink(Frame f, String name, InputSpec spec, JsonNode link, ArrayNode config, List<String> options)
            throws ValidationFailure {
        if (link.size() != 2) {
            ObjectNode extra = Json.object().put("input_name", name);
            extra.set("input_config", config);
            extra.set("received_value", link);
            f.errors.add(ErrorJson.of("bad_linked_input", "Bad linked input, must be a length-2 list of [node_id, slot_index]",
                    name, extra));
            return null;
        }
        String sourceId = link.get(0).isTextual() ? link.get(0).textValue() : link.get(0).toString();
        JsonNode source = link.get(0).isTextual() ? prompt.get(sourceId) : null;
        if (source == null) throw new ValidationFailure(PythonText.repr(link.get(0)), "KeyError", null);
        List<OutputSpec> outputs = registry.get(source.get("class_type").asText()).schema().outputs();
        String receivedType = outputs.get(slotOf(link.get(1), outputs.size())).type();
        if (spec != null && !typeMatches(spec, receivedType, options, f.node.schema().v3())) {
            String inputType = TypeMatch.inputTypeName(spec, options, f.node.schema().v3());
            ObjectNode extra = Json.object().put("input_name", name);
            extra.set("input_config", config);
            extra.put("received_type", receivedType);
            extra.set("linked_node", link);
            f.errors.add(ErrorJson.of("return_type_mismatch", "Return type mismatch between linked nodes",
                    name + ", received_type(" + receivedType + ") mismatch input_type(" + inputType + ")", extra));
            return null;
        }
        Result known = validated.get(sourceId);
        if (known == null && stackIndex.containsKey(sourceId)) known = cycle(sourceId);
        if (known != null) {
            if (!known.valid()) f.valid = false;
            return null;
        }
        f.pending = new Pending(name, config, link);
        return sourceId;
    }

    /**
     * The output index of a link, read exactly (a slot of 2^32 is not slot 0). Python's tuple
     * indexing gives the errors: a non-integer is a TypeError, an index past the producer's outputs
     * an IndexError. Negative slots are refused too, unlike Python: no client sends them, and an
     * output counted from the end is not a link anyone means.
     */
    static int slotOf(JsonNode slot, int outputCount) throws ValidationFailure {
        if (!slot.isIntegralNumber()) {
            throw new ValidationFailure("tuple indices must be integers or slices, not "
                    + InputCoercion.pythonTypeName(slot), "TypeError", null);
        }
        BigInteger index = slot.bigIntegerValue();
        if (index.bitLength() > 63) throw new ValidationFailure("cannot fit 'int' into an index-sized integer", "IndexError", null);
        if (index.signum() < 0 || index.compareTo(BigInteger.valueOf(outputCount)) >= 0) {
            throw new ValidationFailure("tuple index out of range", "IndexError", null);
        }
        return index.intValue();
    }

    private static boolean typeMatches(InputSpec spec, String receivedType, List<String> options, boolean v3) {
        if (spec instanceof InputSpec.ComboInput && !v3) return receivedType.equals("*") || receivedType.equals("COMBO");
        return TypeMatch.matches(receivedType, TypeMatch.inputTypeName(spec, options, v3));
    }

    /** The frame's source {@code sourceId} threw: that node gets the error, the frame is invalid. */
    private void innerFailure(Frame f, String sourceId, Throwable ex) {
        ValidationFailure failure = ValidationFailure.of(ex);
        Pending p = f.pending;
        ObjectNode extra = Json.object().put("input_name", p.inputName());
        extra.set("input_config", p.config());
        extra.put("exception_message", failure.getMessage());
        extra.put("exception_type", failure.exceptionType());
        ArrayNode tb = extra.putArray("traceback");
        failure.traceback().forEach(tb::add);
        extra.set("linked_node", p.link());
        record(sourceId, new Result(false, List.of(ErrorJson.of("exception_during_inner_validation",
                "Exception when validating inner node", failure.getMessage(), extra))));
        f.valid = false;
        f.pending = null;
    }

    private void checkConstant(Frame f, InputSpec spec, JsonNode value, ArrayNode config, List<String> options) {
        String name = spec.name();
        String type = spec.type();
        ObjectNode inputs = f.inputs;
        List<ObjectNode> errors = f.errors;
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
        if (!f.node.selfValidatedInputs().contains(name) && !inDeclaredRange(spec, value, config, options, errors)) return;
        InputCheck check = f.node.schema().inputChecks().get(name);
        String problem = check == null ? null : check.problem(NodeValues.toJava(spec, value));
        if (problem != null) {
            // Reported as ComfyUI reports a VALIDATE_INPUTS that names this one input.
            errors.add(ErrorJson.of("custom_validation_failed", "Custom validation failed for node",
                    name + " - " + problem, Json.object().put("input_name", name)));
        }
    }

    /** The min/max and option-list checks; false (with the error added) when the value is outside them. */
    private static boolean inDeclaredRange(InputSpec spec, JsonNode value, ArrayNode config, List<String> options,
                                           List<ObjectNode> errors) {
        String name = spec.name();
        ObjectNode extra = Json.object().put("input_name", name);
        extra.set("input_config", config);
        extra.set("received_value", value);
        Bounds bounds = Bounds.of(spec);
        if (bounds != null && value.isNumber()) {
            if (bounds.below(value)) {
                errors.add(ErrorJson.of("value_smaller_than_min", "Value " + PythonText.repr(value)
                        + " smaller than min of " + bounds.minText(), name, extra));
                return false;
            }
            if (bounds.above(value)) {
                errors.add(ErrorJson.of("value_bigger_than_max", "Value " + PythonText.repr(value)
                        + " bigger than max of " + bounds.maxText(), name, extra));
                return false;
            }
        }
        if (spec instanceof InputSpec.ComboInput c) {
            boolean multiselect = Boolean.TRUE.equals(c.extra().get("multiselect"));
            List<JsonNode> invalid = new ArrayList<>();
            if (multiselect && value.isArray()) {
                for (JsonNode v : value) if (!inList(v, options)) invalid.add(v);
            } else if (!inList(value, options)) {
                invalid.add(value);
            }
            if (!invalid.isEmpty()) {
                String listInfo;
                if (options.size() > 20) {
                    listInfo = "(list of length " + options.size() + ")";
                    extra.putNull("input_config");
                } else {
                    listInfo = PythonText.repr(Json.MAPPER.valueToTree(options));
                }
                errors.add(ErrorJson.of("value_not_in_list", "Value not in list",
                        name + ": '" + PythonText.str(value) + "' not in " + listInfo, extra));
                return false;
            }
        }
        return true;
    }

    private static boolean inList(JsonNode v, List<String> options) {
        return v.isTextual() && options.contains(v.textValue());
    }

    /**
     * {@code nodeId} is on the walk's stack again: every node from it to the top is in the cycle and
     * gets {@code dependency_cycle}, all sharing one {@code details} and {@code cycle_nodes}.
     */
    private Result cycle(String nodeId) {
        List<String> cycleNodes = new ArrayList<>();
        for (int i = stackIndex.get(nodeId); i < stack.size(); i++) cycleNodes.add(stack.get(i).id);
        boolean shortened = cycleNodes.size() > CYCLE_SHOWN;
        List<String> shown = shortened ? cycleNodes.subList(0, CYCLE_SHOWN) : cycleNodes;
        StringBuilder details = new StringBuilder();
        for (String id : shown) details.append(describe(id)).append(" -> ");
        if (shortened) details.append("... (").append(cycleNodes.size() - CYCLE_SHOWN).append(" more) -> ");
        details.append(describe(nodeId));
        ArrayNode listed = Json.array();
        shown.forEach(listed::add);
        for (String id : cycleNodes) {
            ObjectNode extra = Json.object().put("node_id", id);
            extra.set("cycle_nodes", listed);
            if (shortened) extra.put("cycle_length", cycleNodes.size());
            record(id, new Result(false, List.of(ErrorJson.of("dependency_cycle", "Dependency cycle detected",
                    details.toString(), extra))));
        }
        return validated.get(nodeId);
    }

    private String describe(String id) { return id + " (" + prompt.get(id).get("class_type").asText() + ")"; }

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
