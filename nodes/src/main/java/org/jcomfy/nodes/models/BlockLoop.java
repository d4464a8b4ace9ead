package org.jcomfy.nodes.models;

import java.util.function.Supplier;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.Tensor;

/**
 * How a DiT runs its stack of blocks for one model call. The model hands over its blocks; the
 * loop decides which to compute and may substitute stored values, which is all a DiT cache
 * needs: {@link #EVERY_BLOCK} is the plain forward, a cache policy returns another loop.
 */
@FunctionalInterface
public interface BlockLoop {
    /** The plain forward: every block, in order, computing its self-attention. */
    BlockLoop EVERY_BLOCK = (hidden, blocks) -> {
        Tensor h = hidden;
        for (int i = 0; i < blocks.count(); i++) h = blocks.compute(i, h, SelfAttention.COMPUTE);
        return h;
    };

    /** The blocks' output for the tokens {@code hidden} that the embedding stage produced. */
    Tensor run(Tensor hidden, Blocks blocks);

    /** The model's blocks as the loop sees them. */
    interface Blocks {
        int count();

        /** The model's kernels, for the loop's own arithmetic (adding a stored residual). */
        Kernels kernels();

        /** Block {@code i} on {@code h}; {@code selfAttention} may replace its self-attention output. */
        Tensor compute(int i, Tensor h, SelfAttention selfAttention);
    }

    /** A block's self-attention output: computed, or reused from an earlier step. */
    @FunctionalInterface
    interface SelfAttention {
        SelfAttention COMPUTE = (block, compute) -> compute.get();

        /**
         * Block {@code block}'s self-attention output; {@code compute} computes it. A value kept
         * past the call must be {@linkplain org.jcomfy.backend.tensor.TensorScope#detached detached}:
         * the block's temporaries are freed when it ends.
         */
        Tensor of(int block, Supplier<Tensor> compute);
    }
}
