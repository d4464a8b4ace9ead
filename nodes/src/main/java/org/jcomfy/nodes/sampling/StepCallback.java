package org.jcomfy.nodes.sampling;

import org.jcomfy.backend.tensor.Tensor;

/**
 * Called once per sampler step (progress, previews, interruption: throw to stop). {@code step} counts from
 * 0 to {@code total - 1}; {@code x} is the sample the step started from and {@code denoised} the model's
 * prediction at it, as ComfyUI's k-diffusion callback reports them.
 */
@FunctionalInterface
public interface StepCallback {
    StepCallback NONE = (step, total, x, denoised) -> {};

    void onStep(int step, int total, Tensor x, Tensor denoised);
}
