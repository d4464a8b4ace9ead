package org.jcomfy.nodes.sampling;

import static org.jcomfy.nodes.sampling.FloatArrays.lincomb;

/**
 * The DPM-Solver++ samplers of {@code comfy/k_diffusion/sampling.py} for a flow (CONST) model:
 * dpmpp_2m (deterministic, t = −log σ) and the stochastic dpmpp_sde and dpmpp_2m_sde, which work in the
 * half-log-SNR λ = log((1 − σ)/σ) and take their noise from a {@link BrownianNoiseSampler}.
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

    /** DPM-Solver++(2M) SDE, midpoint variant, eta = 1. */
    static float[] dpmpp2mSde(SamplingTask task, float[] x) {
        if (task.steps() < 1) {
            return x;
        }
        double eta = 1.0;
        NoiseSampler noise = task.brownianNoise(); // over the sigmas before the first one is offset
        float[] sigmas = offsetFirstSigma(task);
        int n = task.steps();
        float[] oldDenoised = null;
        double hLast = 0;
        double h = 0;
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
                if (oldDenoised != null) {
                    double r = hLast / h;
                    double c = 0.5 * alphaT * -Math.expm1(-hEta) * (1 / r);
                    x = lincomb(1, x, c, denoised, -c, oldDenoised);
                }
                double noiseScale = next * Math.sqrt(-Math.expm1(-2 * h * eta));
                x = lincomb(1, x, noiseScale, noise.sample(sigma, next));
            }
            oldDenoised = denoised;
            hLast = h;
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
}
