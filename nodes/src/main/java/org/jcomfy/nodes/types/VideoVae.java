package org.jcomfy.nodes.types;

import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.ProgressListener;

/** ComfyUI's VAE value: raw-latent video encoder/decoder. */
public interface VideoVae {
    int latentChannels();

    /** Pixels per latent cell along height and width (8 for Wan 2.1). */
    int spatialCompression();

    /** Frames per latent frame after the first (4 for Wan 2.1). */
    int temporalCompression();

    /** Raw latent {@code [B, C, T, h, w]} to IMAGE frames {@code [B·(1+4(T-1)), H, W, 3]} in 0..1. */
    Tensor decode(Tensor latent, ProgressListener progress);

    /**
     * As {@link #decode} in overlapping tiles; the sizes are VAEDecodeTiled's widget values
     * (pixels and video frames), converted to latent units the way ComfyUI does.
     */
    Tensor decodeTiled(Tensor latent, int tileSize, int overlap, int temporalSize, int temporalOverlap,
                       ProgressListener progress);

    /** IMAGE frames {@code [N, H, W, 3]} in 0..1 to a raw latent {@code [1, C, 1+(N-1)/4, H/8, W/8]}. */
    Tensor encode(Tensor images, ProgressListener progress);
}
