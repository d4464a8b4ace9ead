package org.jcomfy.nodes.api;

/**
 * A node: a declared schema (inputs, outputs, category, flags) plus one function. The same
 * schema feeds {@code /object_info} and prompt validation, so the two cannot drift.
 * Implementations are stateless or keep state safe to share across prompts.
 */
public interface Node {

    NodeSchema schema();

    /**
     * Runs the node once. {@code inputs} holds validated, coerced values (and, for
     * {@link NodeSchema#isInputList()} nodes, lists). Throw to fail the prompt: the message
     * reaches the user in an {@code execution_error}.
     */
    NodeOutput execute(NodeInputs inputs, ExecutionContext context) throws Exception;

    /**
     * ComfyUI's {@code IS_CHANGED}: called with the constant inputs only; the result joins the
     * cache key. Return null when the node is a pure function of its inputs. Return a fresh
     * object (never equal to another) to force a re-run every time.
     */
    default Object fingerprint(NodeInputs constants, NodeEnvironment environment) throws Exception {
        return null;
    }

    /**
     * The node's own validation (ComfyUI's {@code VALIDATE_INPUTS}); return an error message, or
     * null when valid. It runs in addition to the declared checks, except for the inputs named
     * by {@link #selfValidatedInputs()}, whose min/max/option checks it replaces.
     */
    default String validateInputs(NodeInputs constants, NodeEnvironment environment) {
        return null;
    }

    /**
     * Inputs whose declared checks {@link #validateInputs} replaces — as a Python
     * {@code VALIDATE_INPUTS} that names an input takes over its validation (LoadImage checks
     * its file itself rather than against the option list).
     */
    default java.util.Set<String> selfValidatedInputs() {
        return java.util.Set.of();
    }
}
