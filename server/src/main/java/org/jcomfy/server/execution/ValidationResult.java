package org.jcomfy.server.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The outcome of validating a prompt.
 *
 * @param error       the top-level error object, or null when at least one output is good
 * @param outputs     the good output node ids, to execute
 * @param nodeErrors  {@code {node_id: {"errors","dependent_outputs","class_type"}}}, possibly non-empty on success
 */
record ValidationResult(ObjectNode error, List<String> outputs, ObjectNode nodeErrors) {
    boolean valid() { return error == null; }
}
