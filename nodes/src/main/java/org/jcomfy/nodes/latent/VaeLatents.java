package org.jcomfy.nodes.latent;

import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.types.VideoVae;

/** Shape checks shared by the VAE nodes, so a wrong latent fails with a message, not an index error. */
final class VaeLatents {
    private VaeLatents() {}

    /** Image latents {@code [B, C, h, w]} become one-frame videos {@code [B, C, 1, h, w]}. */
    static Tensor asVideo(Tensor samples, VideoVae vae) {
        Tensor video = samples.rank() == 4
                ? samples.reshape(samples.dim(0), samples.dim(1), 1, samples.dim(2), samples.dim(3))
                : samples;
        if (video.rank() != 5 || video.dim(1) != vae.latentChannels()) {
            throw new IllegalArgumentException("this VAE decodes " + vae.latentChannels()
                    + "-channel latents [B, C, T, h, w]; got " + samples);
        }
        return video;
    }
}
