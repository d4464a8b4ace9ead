package org.jcomfy.nodes.models.wan.t5;

import org.jcomfy.backend.tensor.Tensor;

/**
 * Receives named intermediate tensors during a forward pass (names as in the golden files:
 * {@code token_embedding_out}, {@code block0_norm1_out}, ...), so a test can tell which
 * step diverged. {@link #NONE} ignores them.
 */
@FunctionalInterface
public interface ActivationHook {
    ActivationHook NONE = (name, value) -> {};

    void record(String name, Tensor value);
}
