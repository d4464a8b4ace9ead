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

    /**
     * {@link Kernels#attentionWithLse}: by default {@link #attention} and a separate reference pass
     * for the log-sum-exp; a kernel that keeps its softmax's running maximum and sum overrides it.
     */
    default PartialAttention attentionWithLse(Tensor q, Tensor k, Tensor v, Tensor bias, float scale) {
        return new PartialAttention(attention(q, k, v, bias, scale), PartialAttention.logSumExp(q, k, bias, scale));
    }
}
