package org.jcomfy.nodes.api;

/**
 * A check of one constant input, declared with the node's schema ({@link SchemaBuilder#check}) and
 * run by prompt validation after the value is coerced and found within its declared bounds. A
 * rejection is reported on that input alone, as ComfyUI reports a {@code VALIDATE_INPUTS} that names it.
 */
@FunctionalInterface
public interface InputCheck {
    /** What is wrong with {@code value} (the Java value the node would receive), or null when it is fine. */
    String problem(Object value);
}
