package org.jcomfy.nodes.models;

import org.jcomfy.backend.kernels.Kernels;

/**
 * How a DiT's token sequence is spread over ranks (sequence parallelism): {@link #NONE} keeps it
 * whole on this rank; Ulysses and Ring ({@code org.jcomfy.nodes.models.parallel}) give each rank a
 * shard of the tokens and make self-attention see the whole sequence. The forward asks for one
 * {@link SequenceShard} per model call and consults it at the four places sharding shows: after the
 * patch embedding, in RoPE, in self-attention, and before the head.
 */
@FunctionalInterface
public interface SequenceParallel {
    /** One rank, the whole sequence: the plain forward. */
    SequenceParallel NONE = (tokens, heads, kernels) -> SequenceShard.whole(kernels);

    /**
     * This rank's part of a call whose patch embedding made {@code tokens} tokens, for a model of
     * {@code heads} attention heads; attention runs on {@code kernels}. Throws
     * {@link IllegalArgumentException} with a message for the user when the model cannot be split
     * this way (Ulysses: heads not divisible by its ranks).
     */
    SequenceShard shard(long tokens, int heads, Kernels kernels);
}
