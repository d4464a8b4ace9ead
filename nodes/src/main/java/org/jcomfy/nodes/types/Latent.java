package org.jcomfy.nodes.types;

import org.jcomfy.backend.tensor.Tensor;

/**
 * ComfyUI's LATENT: raw VAE-space samples {@code [B, C, T, h, w]} (video) or {@code [B, C, h, w]}
 * (image), plus an optional noise mask. Normalisation to model space happens at the sampler
 * boundary ({@link LatentFormat}), as in ComfyUI.
 */
public record Latent(Tensor samples, Tensor noiseMask) {
    public static Latent of(Tensor samples) { return new Latent(samples, null); }

    public Latent withSamples(Tensor s) { return new Latent(s, noiseMask); }
}
