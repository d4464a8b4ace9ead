package org.jcomfy.nodes.sampling;

import static org.jcomfy.nodes.sampling.FloatArrays.lincomb;

/**
 * The DPM-Solver++ samplers of {@code comfy/k_diffusion/sampling.py} for a flow (CONST) model:
 * dpmpp_2m (deterministic, t = −log σ), dpmpp_2s_ancestral (rectified-flow variant, default noise) and the
 * stochastic dpmpp_sde, dpmpp_2m_sde (midpoint and heun) and dpmpp_3m_sde, which work in the half-log-SNR
 * λ = log((1 − σ)/σ) and take their noise from a {@link BrownianNoiseSampler}.
 */
final class DpmPlusPlusSamplers {
    private DpmPlusPlusSamplers() {}

    /** DPM-Solver++(2M): a second-order multistep update from the last two denoised predictions. */
    static float[] dpmpp2m(SamplingTask task, float[] x) {
        int n = task.steps();
        float[] oldDenoised = null;
        for (int i = 0; i < n; i++) {
            double sigma = task.sigma(i);
            double next = task.sigma(i + 1);
            float[] denoised = task.denoise(x, sigma);
            task.report(i, n, x, denoised);
            double t = -Math.log(sigma);
            double tNext = -Math.log(next);
            double h = tNext - t;
            double ratio = Math.exp(-tNext) / Math.exp(-t);
            double coef = -Math.expm1(-h);
            if (oldDenoised == null || next == 0) {
                x = lincomb(ratio, x, coef, denoised);
            } else {
                double hLast = t + Math.log(task.sigma(i - 1));
                double r = hLast / h;
                float[] mixed = lincomb(1 + 1 / (2 * r), denoised, -1 / (2 * r), oldDenoised);
                x = lincomb(ratio, x, coef, mixed);
            }
            oldDenoised = denoised;
        }
        return x;
    }

    /** λ(σ) = −logit(σ) = log((1 − σ)/σ), CONST's half-log-SNR. */
    static double lambda(double sigma) {
        return Math.log((1 - sigma) / sigma);
    }

    /** σ(λ) = sigmoid(−λ). */
    static double sigmaOfLambda(double lambda) {
        return 1 / (1 + Math.exp(lambda));
    }

    /** {@code offset_first_sigma_for_snr}: a first sigma of 1 (λ = −∞) becomes percent_to_sigma(1e-4). */
    static float[] offsetFirstSigma(SamplingTask task) {
        float[] sigmas = task.sigmas().clone();
        if (sigmas.length > 1 && sigmas[0] >= 1) {
            sigmas[0] = (float) task.modelSampling().percentToSigma(1e-4);
        }
        return sigmas;
    }

    /** DPM-Solver++(2M) SDE, midpoint variant (ComfyUI's default), eta = 1. */
    static float[] dpmpp2mSde(SamplingTask task, float[] x) {
        return multistepSde(task, x, 2, false);
    }

    /** DPM-Solver++(2M) SDE with the Heun-type second-order correction. */
    static float[] dpmpp2mSdeHeun(SamplingTask task, float[] x) {
        return multistepSde(task, x, 2, true);
    }

    /** DPM-Solver++(3M) SDE, eta = 1. */
    static float[] dpmpp3mSde(SamplingTask task, float[] x) {
        return multistepSde(task, x, 3, false);
    }

    /**
     * {@code sample_dpmpp_2m_sde} (order 2, midpoint or heun) and {@code sample_dpmpp_3m_sde} (order 3):
     * an exponential-integrator step in λ with eta = 1, multistep corrections from earlier predictions, then
     * Brownian noise scaled by σ_{i+1}·sqrt(1 − e^{−2h}).
     */
    private static float[] multistepSde(SamplingTask task, float[] x, int order, boolean heun) {
        if (task.steps() < 1) {
            return x;
        }
        double eta = 1.0;
        NoiseSampler noise = task.brownianNoise(); // over the sigmas before the first one is offset
        float[] sigmas = offsetFirstSigma(task);
        int n = task.steps();
        float[] denoised1 = null;
        float[] denoised2 = null;
        double h = Double.NaN;
        double h1 = Double.NaN;
        double h2 = Double.NaN;
        for (int i = 0; i < n; i++) {
            double sigma = sigmas[i];
            double next = sigmas[i + 1];
            float[] denoised = task.denoise(x, sigma);
            task.report(i, n, x, denoised);
            if (next == 0) {
                x = denoised;
            } else {
                double lambdaS = lambda(sigma);
                double lambdaT = lambda(next);
                h = lambdaT - lambdaS;
                double hEta = h * (eta + 1);
                double alphaT = next * Math.exp(lambdaT);
                x = lincomb(next / sigma * Math.exp(-h * eta), x, alphaT * -Math.expm1(-hEta), denoised);
                double phi2 = -Math.expm1(-hEta) / -hEta + 1;
                if (order == 3 && !Double.isNaN(h2)) {
                    double r0 = h1 / h;
                    double r1 = h2 / h;
                    float[] d10 = lincomb(1 / r0, denoised, -1 / r0, denoised1);
                    float[] d11 = lincomb(1 / r1, denoised1, -1 / r1, denoised2);
                    float[] d1 = lincomb(1 + r0 / (r0 + r1), d10, -r0 / (r0 + r1), d11);
                    float[] d2 = lincomb(1 / (r0 + r1), d10, -1 / (r0 + r1), d11);
                    double phi3 = phi2 / hEta - 0.5;
                    x = lincomb(1, x, alphaT * phi2, d1, -alphaT * phi3, d2);
                } else if (!Double.isNaN(h1)) {
                    double r = h1 / h;
                    double c = order == 3 ? alphaT * phi2 / r
                            : heun ? alphaT * phi2 / r
                            : 0.5 * alphaT * -Math.expm1(-hEta) / r;
                    x = lincomb(1, x, c, denoised, -c, denoised1);
                }
                double noiseScale = next * Math.sqrt(-Math.expm1(-2 * h * eta));
                x = lincomb(1, x, noiseScale, noise.sample(sigma, next));
            }
            denoised2 = denoised1;
            denoised1 = denoised;
            h2 = h1;
            h1 = h;
        }
        return x;
    }

    /** DPM-Solver++ (stochastic), r = 1/2, eta = 1: two model calls per step, each followed by Brownian noise. */
    static float[] dpmppSde(SamplingTask task, float[] x) {
        if (task.steps() < 1) {
            return x;
        }
        double eta = 1.0;
        double r = 0.5;
        NoiseSampler noise = task.brownianNoise();
        float[] sigmas = offsetFirstSigma(task);
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
            double lambdaS = lambda(sigma);
            double lambdaT = lambda(next);
            double h = lambdaT - lambdaS;
            double lambdaS1 = lambdaS + r * h;
            double fac = 1 / (2 * r);
            double sigmaS1 = sigmaOfLambda(lambdaS1);
            double alphaS = sigma * Math.exp(lambdaS);
            double alphaS1 = sigmaS1 * Math.exp(lambdaS1);
            double alphaT = next * Math.exp(lambdaT);

            // Step 1: to the midpoint in λ, with noise
            double[] ancestral = ancestralStep(Math.exp(-lambdaS), Math.exp(-lambdaS1), eta);
            double hStep = -Math.log(ancestral[0]) - lambdaS;
            float[] x2 = lincomb(alphaS1 / alphaS * Math.exp(-hStep), x, -alphaS1 * Math.expm1(-hStep), denoised);
            x2 = lincomb(1, x2, alphaS1 * ancestral[1], noise.sample(sigma, sigmaS1));
            float[] denoised2 = task.denoise(x2, sigmaS1);

            // Step 2: the full step with the averaged prediction, with noise
            ancestral = ancestralStep(Math.exp(-lambdaS), Math.exp(-lambdaT), eta);
            hStep = -Math.log(ancestral[0]) - lambdaS;
            float[] mixed = lincomb(1 - fac, denoised, fac, denoised2);
            x = lincomb(alphaT / alphaS * Math.exp(-hStep), x, -alphaT * Math.expm1(-hStep), mixed);
            x = lincomb(1, x, alphaT * ancestral[1], noise.sample(sigma, next));
        }
        return x;
    }

    /** {@code get_ancestral_step}: {sigma_down, sigma_up}. */
    static double[] ancestralStep(double sigmaFrom, double sigmaTo, double eta) {
        if (eta == 0) {
            return new double[] {sigmaTo, 0};
        }
        double up = Math.min(sigmaTo,
                eta * Math.sqrt(sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo) / (sigmaFrom * sigmaFrom)));
        double down = Math.sqrt(sigmaTo * sigmaTo - up * up);
        return new double[] {down, up};
    }

    /** {@code sample_dpmpp_2s_ancestral_RF}, eta = 1: a midpoint (in λ) evaluation, a step to sigma_down, re-noise. */
    static float[] dpmpp2sAncestral(SamplingTask task, float[] x) {
        NoiseSampler noise = task.defaultNoise();
        int n = task.steps();
        for (int i = 0; i < n; i++) {
            double sigma = task.sigma(i);
            double next = task.sigma(i + 1);
            float[] denoised = task.denoise(x, sigma);
            RfAncestralStep split = RfAncestralStep.of(sigma, next, 1.0);
            double sigmaDown = split.sigmaDown();
            task.report(i, n, x, denoised);
            if (next == 0) {
                x = FloatArrays.step(x, FloatArrays.derivative(x, denoised, sigma), sigmaDown - sigma);
                continue;
            }
            double sigmaS;
            if (sigma == 1.0) {
                sigmaS = 0.9999;
            } else {
                double tI = lambda(sigma);
                double s = tI + 0.5 * (lambda(sigmaDown) - tI);
                sigmaS = sigmaOfLambda(s);
            }
            double ratioS = sigmaS / sigma;
            float[] u = lincomb(ratioS, x, 1 - ratioS, denoised);
            float[] denoised2 = task.denoise(u, sigmaS);
            double ratioDown = sigmaDown / sigma;
            x = lincomb(ratioDown, x, 1 - ratioDown, denoised2);
            x = split.renoise(x, noise.sample(sigma, next));
        }
        return x;
    }
}
