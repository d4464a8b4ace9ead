package org.jcomfy.nodes.models.wan.vae;

import org.jcomfy.backend.tensor.Tensor;

/**
 * A debug hook: {@link WanVae} hands it named intermediates, once per chunk, under the names the
 * golden activations use ({@code dec_conv2_out}, {@code dec_conv1_out}, {@code dec_middle_out},
 * {@code dec_upsamples3_upsample3d_out}, {@code dec_head_out}, {@code enc_conv1_out},
 * {@code enc_downsamples5_downsample3d_out}, {@code enc_head_out}, {@code enc_conv1x1_out}).
 * Each value is the chunk's slice {@code [1, C, t, H, W]}; concatenating a name's chunks along
 * dimension 2 gives the full-sequence tensor.
 */
@FunctionalInterface
public interface WanVaeTrace {
    WanVaeTrace NONE = (name, value) -> {};

    void record(String name, Tensor value);
}
