package org.jcomfy.backend.kernels;

import org.jcomfy.backend.tensor.Tensor;

/**
 * The attention contract on its own, so that several implementations (naive, tiled
 * online-softmax, ...) and a selector among them can stand behind {@link Kernels#attention}.
 * Shapes as in {@link Kernels#attention}.
 */
@FunctionalInterface
public interface AttentionKernel {
    Tensor attention(Tensor q, Tensor k, Tensor v, Tensor bias, float scale);
}
