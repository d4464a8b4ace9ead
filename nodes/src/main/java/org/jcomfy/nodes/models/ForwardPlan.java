package org.jcomfy.nodes.models;

import java.util.Objects;
import org.jcomfy.backend.kernels.AttentionKernel;

/**
 * How one model call runs, beyond its inputs: the block loop a cache policy chose, the attention
 * kernel an {@code AttentionSelect} node chose (null: the device's own), and how the token
 * sequence is spread over ranks. A MODEL's options reach the forward as this one value.
 *
 * @param blocks    runs the DiT's blocks ({@link BlockLoop#EVERY_BLOCK} for the plain forward)
 * @param attention the attention kernel for this model, or null for the device's default
 * @param sequence  this rank's sequence parallelism ({@link SequenceParallel#NONE}: one rank)
 */
public record ForwardPlan(BlockLoop blocks, AttentionKernel attention, SequenceParallel sequence) {
    /** Every block, the device's attention, one rank: the plain forward. */
    public static final ForwardPlan PLAIN = new ForwardPlan(BlockLoop.EVERY_BLOCK, null);

    public ForwardPlan {
        Objects.requireNonNull(blocks, "blocks");
        Objects.requireNonNull(sequence, "sequence");
    }

    /** On one rank. */
    public ForwardPlan(BlockLoop blocks, AttentionKernel attention) {
        this(blocks, attention, SequenceParallel.NONE);
    }
}
