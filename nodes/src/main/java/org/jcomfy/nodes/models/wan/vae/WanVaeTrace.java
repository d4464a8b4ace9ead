package org.jcomfy.nodes.models.wan.vae;

import org.jcomfy.backend.tensor.Tensor;

/**
 * Hooks into a running {@link WanVae}: named intermediates for debugging, and a call after each
 * chunk for progress reporting and interruption checks (throw from {@link #chunkDone} to stop).
 *
 * <p>{@link #record} receives, once per chunk, the names the golden activations use
 * ({@code dec_conv2_out}, {@code dec_conv1_out}, {@code dec_middle_out},
 * {@code dec_upsamples3_upsample3d_out}, {@code dec_head_out}, {@code enc_conv1_out},
 * {@code enc_downsamples5_downsample3d_out}, {@code enc_middle_out}, {@code enc_head_out},
 * {@code enc_conv1x1_out}). Each value is the chunk's slice {@code [1, C, t, H, W]};
 * concatenating a name's chunks along dimension 2 gives the full-sequence tensor.
 */
@FunctionalInterface
public interface WanVaeTrace {
    WanVaeTrace NONE = onChunkDone((done, total) -> {});

    void record(String name, Tensor value);

    /**
     * Whether {@link #record} keeps the tensors it is given. When it does not, the VAE frees each
     * chunk's temporaries as soon as the chunk is written (a {@link org.jcomfy.backend.tensor.TensorScope} per chunk).
     */
    default boolean keepsTensors() { return true; }

    /** Called after chunk {@code done} of {@code total} (1-based) has been written to the output. */
    default void chunkDone(long done, long total) {}

    /** A hook that only reports progress, e.g. to a node's progress bar. */
    static WanVaeTrace onChunkDone(java.util.function.BiConsumer<Long, Long> callback) {
        return new WanVaeTrace() {
            @Override public void record(String name, Tensor value) {}

            @Override public void chunkDone(long done, long total) { callback.accept(done, total); }

            @Override public boolean keepsTensors() { return false; }
        };
    }
}
