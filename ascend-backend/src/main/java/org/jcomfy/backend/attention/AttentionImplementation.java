package org.jcomfy.backend.attention;

import org.jcomfy.backend.kernels.AttentionKernel;
import org.jcomfy.backend.kernels.PartialAttention;
import org.jcomfy.backend.tensor.Tensor;

/**
 * One way of computing scaled dot-product attention, under a stable name. Shapes and
 * semantics are those of {@link org.jcomfy.backend.kernels.Kernels#attention}; the
 * {@link AttentionSelector} chooses among implementations per {@link AttentionShape}.
 */
public interface AttentionImplementation {

    /** A short stable name ("naive", "flash"), used in manual mode, rule tables and reports. */
    String name();

    /** Whether this implementation is willing to run a call of this shape (memory limits, sizes). */
    boolean supports(AttentionShape shape);

    /**
     * softmax(q·kᵀ·scale + bias)·v per batch and head: q {@code [B, Sq, H, D]}, k {@code [B, Sk, H, D]},
     * v {@code [B, Sk, H, Dv]}, bias broadcasting from {@code [B|1, H|1, Sq|1, Sk]} or null; a row whose
     * keys are all masked (-inf) gives zeros. Returns a new float32 {@code [B, Sq, H, Dv]}.
     */
    Tensor compute(Tensor q, Tensor k, Tensor v, Tensor bias, float scale);

    /**
     * {@link #compute} with each query row's log-sum-exp ({@link org.jcomfy.backend.kernels.Kernels#attentionWithLse}).
     * By default a separate reference pass; implementations that keep their softmax's maximum and sum override it.
     */
    default PartialAttention computeWithLse(Tensor q, Tensor k, Tensor v, Tensor bias, float scale) {
        return ((AttentionKernel) this::compute).attentionWithLse(q, k, v, bias, scale);
    }

    /** {@code kernel} under {@code name}, for every shape (a device's single attention kernel). */
    static AttentionImplementation of(String name, AttentionKernel kernel) {
        return new AttentionImplementation() {
            @Override public String name() { return name; }

            @Override public boolean supports(AttentionShape shape) { return true; }

            @Override
            public Tensor compute(Tensor q, Tensor k, Tensor v, Tensor bias, float scale) {
                return kernel.attention(q, k, v, bias, scale);
            }

            @Override
            public PartialAttention computeWithLse(Tensor q, Tensor k, Tensor v, Tensor bias, float scale) {
                return kernel.attentionWithLse(q, k, v, bias, scale);
            }
        };
    }
}
