package org.jcomfy.nodes.models;

import java.util.Objects;
import org.jcomfy.backend.kernels.AttentionKernel;

/**
 * How one model call runs, beyond its inputs: the block loop a cache policy chose, and the
 * attention kernel an {@code AttentionSelect} node chose (null: the device's own). A parallel
 * plan joins here, so that a MODEL's options reach the forward as one value.
 *
 * @param blocks    runs the DiT's blocks ({@link BlockLoop#EVERY_BLOCK} for the plain forward)
 * @param attention the attention kernel for this model, or null for the device's default
 */
public record ForwardPlan(BlockLoop blocks, AttentionKernel attention) {
    /** Every block, the device's attention: the plain forward. */
    public static final ForwardPlan PLAIN = new ForwardPlan(BlockLoop.EVERY_BLOCK, null);

    public ForwardPlan {
        Objects.requireNonNull(blocks, "blocks");
    }
}
