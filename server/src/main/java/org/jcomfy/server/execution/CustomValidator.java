package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.jcomfy.nodes.api.InputSpec;
import org.jcomfy.nodes.api.Node;
import org.jcomfy.nodes.api.NodeEnvironment;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.server.http.ErrorJson;
import org.jcomfy.server.http.Json;

/**
 * A node's own check ({@link Node#validateInputs}, ComfyUI's {@code VALIDATE_INPUTS}). It runs once
 * the declared checks pass (those of {@link Node#selfValidatedInputs()} are skipped), sees every
 * declared input (linked ones as null), and a rejection is reported as {@code custom_validation_failed}
 * on each constant input.
 */
final class CustomValidator {
    private CustomValidator() {}

    static boolean declares(Node node) {
        try {
            return node.getClass().getMethod("validateInputs", NodeInputs.class, NodeEnvironment.class)
                    .getDeclaringClass() != Node.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** One {@code custom_validation_failed} per input passed, or none when the node accepts. */
    static List<ObjectNode> run(Node node, List<InputSpec> declared, ObjectNode inputs, NodeEnvironment env) {
        String verdict = node.validateInputs(NodeValues.constants(node.schema(), inputs), env);
        List<ObjectNode> errors = new ArrayList<>();
        if (verdict == null) return errors;
        for (InputSpec spec : declared) {
            if (!inputs.has(spec.name())) continue;
            errors.add(ErrorJson.of("custom_validation_failed", "Custom validation failed for node",
                    spec.name() + " - " + verdict, Json.object().put("input_name", spec.name())));
        }
        return errors;
    }
}
