package org.jcomfy.nodes.sampling;

import static org.jcomfy.nodes.sampling.FloatArrays.derivative;
import static org.jcomfy.nodes.sampling.FloatArrays.lincomb;
import static org.jcomfy.nodes.sampling.FloatArrays.step;

/**
 * The Karras-ODE samplers of {@code comfy/k_diffusion/sampling.py} in the form they take for a flow (CONST)
 * model, with ComfyUI's defaults (s_churn = 0, eta = 1, s_noise = 1):
 * euler (also ComfyUI's ddim), euler_ancestral and dpm_2_ancestral (their rectified-flow variants), heun,
 * heunpp2 and dpm_2.
 */
final class EulerSamplers {
    private EulerSamplers() {}

    /** x ← x + d·(σ_{i+1} − σ_i) with d = (x − denoised)/σ_i; for CONST this is x + v·Δσ. */
    static float[] euler(SamplingTask task, float[] x) {
        int n = task.steps();
        for (int i = 0; i < n; i++) {
            double sigma = task.sigma(i);
            float[] denoised = task.denoise(x, sigma);
            task.report(i, n, x, denoised);
            x = step(x, derivative(x, denoised, sigma), task.sigma(i + 1) - sigma);
        }
        return x;
    }

    /**
     * {@code sample_euler_ancestral_RF}: step down to sigma_down = σ_{i+1}·(σ_{i+1}/σ_i) along the straight
     * flow line, then re-noise to σ_{i+1} with fresh noise from the default (seed + 1) generator.
     */
    static float[] eulerAncestral(SamplingTask task, float[] x) {
        double eta = 1.0;
        NoiseSampler noise = task.defaultNoise();
        int n = task.steps();
        for (int i = 0; i < n; i++) {
            double sigma = task.sigma(i);
            double next = task.sigma(i + 1);
            float[] denoised = task.denoise(x, sigma);
            task.report(i, n, x, denoised);
            if (next == 0) {
                x = denoised;
                continue;
            }
            RfAncestralStep split = RfAncestralStep.of(sigma, next, eta);
            double ratio = split.sigmaDown() / sigma;
            x = lincomb(ratio, x, 1 - ratio, denoised);
            x = split.renoise(x, noise.sample(sigma, next));
        }
        return x;
    }

    /** Heun's second-order method; the last step (to σ = 0) is plain Euler. */
    static float[] heun(SamplingTask task, float[] x) {
        int n = task.steps();
        for (int i = 0; i < n; i++) {
            double sigma = task.sigma(i);
            double next = task.sigma(i + 1);
            float[] denoised = task.denoise(x, sigma);
            float[] d = derivative(x, denoised, sigma);
            task.report(i, n, x, denoised);
            double dt = next - sigma;
            if (next == 0) {
                x = step(x, d, dt);
            } else {
                float[] x2 = step(x, d, dt);
                float[] d2 = derivative(x2, task.denoise(x2, next), next);
                x = lincomb(1, x, dt / 2, d, dt / 2, d2);
            }
        }
        return x;
    }

    /** DPM-Solver-2: a midpoint (geometric mean of the sigmas) evaluation per step; last step Euler. */
    static float[] dpm2(SamplingTask task, float[] x) {
        int n = task.steps();
        for (int i = 0; i < n; i++) {
            double sigma = task.sigma(i);
            double next = task.sigma(i + 1);
            float[] denoised = task.denoise(x, sigma);
            float[] d = derivative(x, denoised, sigma);
            task.report(i, n, x, denoised);
            if (next == 0) {
                x = step(x, d, next - sigma);
            } else {
                double sigmaMid = Math.exp(0.5 * (Math.log(sigma) + Math.log(next)));
                float[] x2 = step(x, d, sigmaMid - sigma);
                float[] d2 = derivative(x2, task.denoise(x2, sigmaMid), sigmaMid);
                x = step(x, d2, next - sigma);
            }
        }
        return x;
    }

    /** {@code sample_dpm_2_ancestral_RF}: a DPM-Solver-2 step down to sigma_down, then RF re-noising (eta 1). */
    static float[] dpm2Ancestral(SamplingTask task, float[] x) {
        NoiseSampler noise = task.defaultNoise();
        int n = task.steps();
        for (int i = 0; i < n; i++) {
            double sigma = task.sigma(i);
            double next = task.sigma(i + 1);
            float[] denoised = task.denoise(x, sigma);
            RfAncestralStep split = RfAncestralStep.of(sigma, next, 1.0);
            double sigmaDown = split.sigmaDown();
            task.report(i, n, x, denoised);
            float[] d = derivative(x, denoised, sigma);
            if (sigmaDown == 0) {
                x = step(x, d, sigmaDown - sigma);
            } else {
                double sigmaMid = Math.exp(0.5 * (Math.log(sigma) + Math.log(sigmaDown)));
                float[] x2 = step(x, d, sigmaMid - sigma);
                float[] d2 = derivative(x2, task.denoise(x2, sigmaMid), sigmaMid);
                x = step(x, d2, sigmaDown - sigma);
                x = split.renoise(x, noise.sample(sigma, next));
            }
        }
        return x;
    }

    /** {@code sample_heunpp2}: Heun with a third evaluation two sigmas ahead, weighted by sigma / (3·sigma_0). */
    static float[] heunpp2(SamplingTask task, float[] x) {
        int n = task.steps();
        double sEnd = task.sigma(n);
        double first = task.sigma(0);
        for (int i = 0; i < n; i++) {
            double sigma = task.sigma(i);
            double next = task.sigma(i + 1);
            float[] denoised = task.denoise(x, sigma);
            float[] d = derivative(x, denoised, sigma);
            task.report(i, n, x, denoised);
            double dt = next - sigma;
            if (next == sEnd) {
                x = step(x, d, dt);
            } else if (task.sigma(i + 2) == sEnd) {
                float[] x2 = step(x, d, dt);
                float[] d2 = derivative(x2, task.denoise(x2, next), next);
                double w2 = next / (2 * first);
                double w1 = 1 - w2;
                x = lincomb(1, x, dt * w1, d, dt * w2, d2);
            } else {
                double after = task.sigma(i + 2);
                float[] x2 = step(x, d, dt);
                float[] d2 = derivative(x2, task.denoise(x2, next), next);
                float[] x3 = step(x2, d2, after - next);
                float[] d3 = derivative(x3, task.denoise(x3, after), after);
                double w2 = next / (3 * first);
                double w3 = after / (3 * first);
                double w1 = 1 - w2 - w3;
                float[] dPrime = lincomb(w1, d, w2, d2, w3, d3);
                x = step(x, dPrime, dt);
            }
        }
        return x;
    }
}
