package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeRegistry;
import org.jcomfy.server.http.ErrorJson;
import org.jcomfy.server.http.Json;

/**
 * ComfyUI's {@code validate_prompt}: every node must name a known class, the outputs (optionally
 * only the partial execution targets) are validated one by one, and the prompt is accepted when at
 * least one output is good. Bad outputs are dropped and reported in {@code node_errors}.
 */
final class PromptValidator {
    private final NodeRegistry registry;
    private final NodeEnvironment environment;

    PromptValidator(NodeRegistry registry, NodeEnvironment environment) {
        this.registry = registry;
        this.environment = environment;
    }

    /** Validates and coerces {@code prompt} in place. {@code partialTargets} null means every output. */
    ValidationResult validate(ObjectNode prompt, List<String> partialTargets) {
        Set<String> targets = partialTargets == null ? null : new HashSet<>(partialTargets);
        List<String> outputs = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = prompt.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String id = e.getKey();
            JsonNode entry = e.getValue();
            JsonNode title = entry.path("_meta").path("title");
            JsonNode classType = entry.get("class_type");
            if (classType == null || classType.isNull()) {
                String shown = title.isTextual() ? title.textValue() : "ID #" + id;
                return failure(missingNodeType("Node '" + shown + "' has no class_type. The workflow may be corrupted or a custom node is missing.",
                        id, null, title.isTextual() ? title.textValue() : null));
            }
            Node node = registry.get(classType.asText());
            if (node == null) {
                String shown = title.isTextual() ? title.textValue() : classType.asText();
                return failure(missingNodeType("Node '" + shown + "' not found. The custom node may not be installed.",
                        id, classType.asText(), shown));
            }
            if (node.schema().outputNode() && (targets == null || targets.contains(id))) outputs.add(id);
        }
        if (outputs.isEmpty()) {
            return failure(ErrorJson.of("prompt_no_outputs", "Prompt has no outputs", "", null));
        }

        NodeInputsValidator validator = new NodeInputsValidator(prompt, registry, environment);
        List<String> good = new ArrayList<>();
        List<ObjectNode> failedReasons = new ArrayList<>();
        ObjectNode nodeErrors = Json.object();
        int seen = 0;
        for (String output : outputs) {
            NodeInputsValidator.Result result;
            try {
                result = validator.validate(output);
            } catch (ValidationFailure | RuntimeException ex) {
                ValidationFailure f = ValidationFailure.of(ex);
                ObjectNode extra = Json.object().put("exception_type", f.exceptionType());
                ArrayNode tb = extra.putArray("traceback");
                f.traceback().forEach(tb::add);
                result = new NodeInputsValidator.Result(false, List.of(ErrorJson.of("exception_during_validation",
                        "Exception when validating node", f.getMessage(), extra)));
                validator.record(output, result);
            }
            if (result.valid()) {
                good.add(output);
                continue;
            }
            failedReasons.addAll(result.errors());
            // As ComfyUI: every node with errors seen so far lists this output as dependent. A verdict
            // is final once its output's walk is over, so each node is looked at once.
            List<String> reached = validator.reachedOrder();
            for (; seen < reached.size(); seen++) {
                String id = reached.get(seen);
                NodeInputsValidator.Result r = validator.validated().get(id);
                if (r.valid() || r.errors().isEmpty()) continue;
                ObjectNode entry = nodeErrors.putObject(id);
                ArrayNode errors = entry.putArray("errors");
                r.errors().forEach(errors::add);
                entry.putArray("dependent_outputs");
                JsonNode node = prompt.get(id);
                entry.put("class_type", node == null ? null : node.path("class_type").asText());
            }
            for (JsonNode entry : nodeErrors) ((ArrayNode) entry.get("dependent_outputs")).add(output);
        }
        if (good.isEmpty()) {
            List<String> lines = new ArrayList<>();
            for (ObjectNode e : failedReasons) lines.add(e.get("message").asText() + ": " + e.get("details").asText());
            return new ValidationResult(ErrorJson.of("prompt_outputs_failed_validation", "Prompt outputs failed validation",
                    String.join("\n", lines), null), List.of(), nodeErrors);
        }
        return new ValidationResult(null, good, nodeErrors);
    }

    private static ObjectNode missingNodeType(String message, String id, String classType, String title) {
        ObjectNode extra = Json.object().put("node_id", id);
        extra.put("class_type", classType);
        extra.put("node_title", title);
        return ErrorJson.of("missing_node_type", message, "Node ID '#" + id + "'", extra);
    }

    private static ValidationResult failure(ObjectNode error) {
        return new ValidationResult(error, List.of(), Json.object());
    }
}
