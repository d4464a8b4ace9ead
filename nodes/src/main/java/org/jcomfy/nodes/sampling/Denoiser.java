package org.jcomfy.nodes.sampling;

import org.jcomfy.backend.tensor.Tensor;

/**
 * The model as a sampler sees it: given the noisy latent x at noise level sigma, the predicted clean latent
 * (ComfyUI's "denoised", x0). Guidance, conditioning and the model's parameterisation live behind it.
 */
@FunctionalInterface
public interface Denoiser {
    Tensor denoise(Tensor x, double sigma);
}
