package org.jcomfy.backend.attention;

import org.jcomfy.backend.kernels.PartialAttention;
import org.jcomfy.backend.tensor.Tensor;

/**
 * A CPU attention whose softmax ends each query row with its maximum and sum of exponentials at
 * hand ({@link FlashAttention}'s running ones, {@link NaiveAttention}'s per row): so the
 * log-sum-exp form costs nothing extra, written by {@link QueryRows#store} beside the output.
 */
abstract class RowSoftmaxAttention implements AttentionImplementation {
    @Override
    public final Tensor compute(Tensor q, Tensor k, Tensor v, Tensor bias, float scale) {
        return run(q, k, v, bias, scale, null);
    }

    @Override
    public final PartialAttention computeWithLse(Tensor q, Tensor k, Tensor v, Tensor bias, float scale) {
        Tensor lse = QueryRows.emptyLse(q);
        return new PartialAttention(run(q, k, v, bias, scale, lse), lse);
    }

    /** The output; also each row's log-sum-exp into {@code lse} ({@code [B, Sq, H]}) unless it is null. */
    abstract Tensor run(Tensor q, Tensor k, Tensor v, Tensor bias, float scale, Tensor lse);
}
