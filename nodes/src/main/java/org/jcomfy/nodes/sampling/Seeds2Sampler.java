package org.jcomfy.nodes.sampling;

import static org.jcomfy.nodes.sampling.FloatArrays.lincomb;

/**
 * ComfyUI's {@code sample_seeds_2} (SEEDS-2, arXiv 2305.14267) for flow models: two stages in the half-log-SNR
 * λ = log((1 − σ)/σ) with r = 1/2, eta = 1, the phi_1 solver type and default (seed + 1) noise, the second
 * stage's noise built from the first's so both belong to one Brownian path.
 */
final class Seeds2Sampler {
    private Seeds2Sampler() {}

    static float[] sample(SamplingTask task, float[] x) {
        double eta = 1.0;
        double r = 0.5;
        double fac = 1 / (2 * r);
        NoiseSampler noise = task.defaultNoise();
        float[] sigmas = DpmPlusPlusSamplers.offsetFirstSigma(task);
        int n = task.steps();
        for (int i = 0; i < n; i++) {
            double sigma = sigmas[i];
            double next = sigmas[i + 1];
            float[] denoised = task.denoise(x, sigma);
            task.report(i, n, x, denoised);
            if (next == 0) {
                x = denoised;
                continue;
            }
            double lambdaS = DpmPlusPlusSamplers.lambda(sigma);
            double lambdaT = DpmPlusPlusSamplers.lambda(next);
            double h = lambdaT - lambdaS;
            double hEta = h * (eta + 1);
            double lambdaS1 = lambdaS + r * (lambdaT - lambdaS);
            double sigmaS1 = DpmPlusPlusSamplers.sigmaOfLambda(lambdaS1);
            double alphaS1 = sigmaS1 * Math.exp(lambdaS1);
            double alphaT = next * Math.exp(lambdaT);

            // Stage 1
            float[] x2 = lincomb(sigmaS1 / sigma * Math.exp(-r * h * eta), x, -alphaS1 * Math.expm1(-r * hEta), denoised);
            float[] sdeNoise = FloatArrays.scale(noise.sample(sigma, sigmaS1), Math.sqrt(-Math.expm1(-2 * r * h * eta)));
            x2 = lincomb(1, x2, sigmaS1, sdeNoise);
            float[] denoised2 = task.denoise(x2, sigmaS1);

            // Stage 2 (phi_1)
            float[] denoisedD = lincomb(1 - fac, denoised, fac, denoised2);
            x = lincomb(next / sigma * Math.exp(-h * eta), x, -alphaT * Math.expm1(-hEta), denoisedD);
            double segment = (r - 1) * h * eta;
            sdeNoise = lincomb(Math.exp(segment), sdeNoise, Math.sqrt(-Math.expm1(2 * segment)), noise.sample(sigmaS1, next));
            x = lincomb(1, x, next, sdeNoise);
        }
        return x;
    }
}
