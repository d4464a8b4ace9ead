package org.jcomfy.nodes.sampling;

import org.jcomfy.nodes.models.ModelCall;

import org.jcomfy.backend.tensor.Tensor;

/**
 * A flow model's forward call as the sampler drives it: the latent x (model space), the timestep
 * (σ·1000, as ComfyUI passes it) and one conditioning of type C; returns the predicted velocity v.
 * {@code call} says where in the denoising run the evaluation is and for which guidance branch.
 */
@FunctionalInterface
public interface VelocityModel<C> {
    Tensor velocity(Tensor x, double timestep, C conditioning, ModelCall call);
}
