package org.jcomfy.nodes.models;

/**
 * One evaluation of the diffusion model inside a denoising run: where in the schedule it is and
 * for which guidance branch. This is what a cache policy decides on.
 *
 * @param run        the run this call belongs to (its schedule and per-branch state)
 * @param branch     the conditioning evaluated
 * @param step       the sampler step, 0 .. {@code run.steps() - 1}
 * @param evaluation 0 for the step's first evaluation of this branch; 1, 2, ... for the extra
 *                   ones of two-stage samplers (heun, dpm_2, dpmpp_2s_ancestral, ...)
 * @param sigma      the noise level the model is evaluated at
 */
public record ModelCall(DenoisingRun run, GuidanceBranch branch, int step, int evaluation, double sigma) {

    /** Whether this is the step's first evaluation of its branch (the one step-indexed policies schedule). */
    public boolean firstOfStep() { return evaluation == 0; }
}
