package org.jcomfy.nodes.models;

import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.Tensor;

/**
 * One rank's part of one model call's token sequence ({@link SequenceParallel#shard}): which
 * tokens it holds, and the self-attention and gather that need the other ranks. Shapes use L for
 * the whole sequence and Ls for this rank's rows (padding included where L does not divide).
 */
public interface SequenceShard {
    /** This rank's rows of the embedded tokens: {@code [B, L, D]} → {@code [B, Ls, D]}. */
    Tensor local(Tensor tokens);

    /** The sequence position of this rank's first row, for RoPE. */
    long firstToken();

    /**
     * Self-attention of this rank's queries over the whole sequence's keys and values: q, k, v
     * {@code [B, Ls, H, Dh]} (RoPE applied) → {@code [B, Ls, H, Dh]}.
     */
    Tensor selfAttention(Tensor q, Tensor k, Tensor v, float scale);

    /** Every rank's rows again, padding dropped: {@code [B, Ls, D]} → {@code [B, L, D]}. */
    Tensor gather(Tensor local);

    /** The whole sequence on one rank: every step is the plain forward's. */
    static SequenceShard whole(Kernels kernels) {
        return new SequenceShard() {
            @Override public Tensor local(Tensor tokens) { return tokens; }

            @Override public long firstToken() { return 0; }

            @Override
            public Tensor selfAttention(Tensor q, Tensor k, Tensor v, float scale) {
                return kernels.attention(q, k, v, null, scale);
            }

            @Override public Tensor gather(Tensor local) { return local; }
        };
    }
}
