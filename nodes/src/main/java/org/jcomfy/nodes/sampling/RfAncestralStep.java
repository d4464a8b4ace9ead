package org.jcomfy.nodes.sampling;

import static org.jcomfy.nodes.sampling.FloatArrays.lincomb;

/**
 * The rectified-flow ancestral split of ComfyUI's {@code *_ancestral_RF} samplers (euler_ancestral,
 * dpm_2_ancestral, dpmpp_2s_ancestral on a flow model): the step from σ to σ_next lands on
 * {@code sigmaDown = σ_next · (1 + (σ_next/σ − 1)·eta)}, below σ_next, and {@link #renoise} lifts it
 * back to σ_next along the flow line, x·α_next/α_down + c·noise with α = 1 − σ and
 * c = sqrt(σ_next² − sigmaDown²·α_next²/α_down²).
 */
record RfAncestralStep(double sigmaDown, double alphaRatio, double renoiseScale) {

    static RfAncestralStep of(double sigma, double next, double eta) {
        double downstepRatio = 1 + (next / sigma - 1) * eta;
        double sigmaDown = next * downstepRatio;
        double alphaNext = 1 - next;
        double alphaDown = 1 - sigmaDown;
        double renoise = Math.sqrt(next * next - sigmaDown * sigmaDown * alphaNext * alphaNext / (alphaDown * alphaDown));
        return new RfAncestralStep(sigmaDown, alphaNext / alphaDown, renoise);
    }

    /** {@code xDown} (a sample at {@link #sigmaDown}) brought back up to σ_next with {@code noise}. */
    float[] renoise(float[] xDown, float[] noise) {
        return lincomb(alphaRatio, xDown, renoiseScale, noise);
    }
}
