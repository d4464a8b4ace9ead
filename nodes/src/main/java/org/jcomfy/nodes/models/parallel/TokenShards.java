package org.jcomfy.nodes.models.parallel;

import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;

/**
 * How a sequence of {@code tokens} rows is cut into {@code ranks} equal, contiguous shards: rank r
 * holds rows {@code [r·length, (r+1)·length)}. When the count does not divide, the sequence is
 * padded at its end with zero rows up to {@code ranks·length}; the padded rows are masked as keys
 * (so no real row attends to them) and dropped when the shards are gathered, so they change
 * nothing. Equal shards keep every collective's parts the same size, which HCCL's all-to-all needs.
 */
record TokenShards(long tokens, int ranks, int rank) {
    TokenShards {
        if (tokens < 1 || ranks < 1 || rank < 0 || rank >= ranks) {
            throw new IllegalArgumentException("cannot cut " + tokens + " tokens into " + ranks + " shards for rank " + rank);
        }
    }

    /** Rows per shard, padding included. */
    long length() { return (tokens + ranks - 1) / ranks; }

    /** The padded sequence length, {@code ranks · length}. */
    long padded() { return length() * ranks; }

    /** The sequence position of this rank's first row. */
    long first() { return rank * length(); }

    /** This rank's rows of {@code x [B, tokens, ...]}, zero rows past the end. */
    Tensor local(Kernels k, Tensor x) {
        Tensor whole = x;
        if (padded() != tokens) {
            long[] before = new long[x.rank()], after = new long[x.rank()];
            after[1] = padded() - tokens;
            whole = k.pad(x, before, after, 0f);
        }
        return k.slice(whole, 1, first(), first() + length());
    }

    /** The first {@code tokens} rows of the padded sequence {@code whole [B, padded, ...]}. */
    Tensor withoutPadding(Kernels k, Tensor whole) {
        return padded() == tokens ? whole : k.slice(whole, 1, 0, tokens);
    }

    /**
     * The attention bias for keys at sequence positions {@code [from, to)}: {@code [1, 1, 1, to-from]},
     * 0 for a real token and -inf for a padded one; null when the range holds no padding.
     */
    Tensor keyMask(long from, long to) {
        if (to <= tokens) return null;
        Tensor mask = Tensor.zeros(DType.F32, 1, 1, 1, to - from);
        for (long j = Math.max(from, tokens); j < to; j++) mask.setFloat(j - from, Float.NEGATIVE_INFINITY);
        return mask;
    }
}
