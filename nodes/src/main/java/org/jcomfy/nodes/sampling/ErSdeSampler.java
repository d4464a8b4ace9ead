package org.jcomfy.nodes.sampling;

import static org.jcomfy.nodes.sampling.FloatArrays.lincomb;

/**
 * ComfyUI's {@code sample_er_sde}: the Extended Reverse-Time SDE solver (VP ER-SDE-Solver-3, arXiv 2309.06169)
 * in er_λ = σ/(1 − σ) for flow models, up to three stages (the higher stages integrate the noise scaler
 * numerically over 200 points), with default (seed + 1) noise and s_noise = 1.
 */
final class ErSdeSampler {
    private ErSdeSampler() {}

    private static final int MAX_STAGE = 3;
    private static final int INTEGRATION_POINTS = 200;

    /** The default noise scaler x·(e^{x^0.3} + 10). */
    private static double noiseScaler(double x) {
        return x * (Math.exp(Math.pow(x, 0.3)) + 10.0);
    }

    static float[] sample(SamplingTask task, float[] x) {
        NoiseSampler noise = task.defaultNoise();
        float[] sigmas = DpmPlusPlusSamplers.offsetFirstSigma(task);
        int n = task.steps();
        double[] erLambdas = new double[sigmas.length];
        for (int i = 0; i < sigmas.length; i++) {
            erLambdas[i] = Math.exp(-DpmPlusPlusSamplers.lambda(sigmas[i])); // σ / (1 − σ)
        }
        float[] oldDenoised = null;
        float[] oldDenoisedD = null;
        for (int i = 0; i < n; i++) {
            double sigma = sigmas[i];
            double next = sigmas[i + 1];
            float[] denoised = task.denoise(x, sigma);
            task.report(i, n, x, denoised);
            int stage = Math.min(MAX_STAGE, i + 1);
            if (next == 0) {
                x = denoised;
            } else {
                double ls = erLambdas[i];
                double lt = erLambdas[i + 1];
                double alphaS = sigma / ls;
                double alphaT = next / lt;
                double r = noiseScaler(lt) / noiseScaler(ls);
                x = lincomb(alphaT / alphaS * r, x, alphaT * (1 - r), denoised);
                if (stage >= 2) {
                    double dt = lt - ls;
                    double stepSize = -dt / INTEGRATION_POINTS;
                    double s = 0;
                    double su = 0;
                    for (int k = 0; k < INTEGRATION_POINTS; k++) {
                        double pos = lt + k * stepSize;
                        s += 1 / noiseScaler(pos);
                        su += (pos - ls) / noiseScaler(pos);
                    }
                    s *= stepSize;
                    su *= stepSize;
                    double dl = ls - erLambdas[i - 1];
                    float[] denoisedD = lincomb(1 / dl, denoised, -1 / dl, oldDenoised);
                    x = lincomb(1, x, alphaT * (dt + s * noiseScaler(lt)), denoisedD);
                    if (stage >= 3) {
                        double du = (ls - erLambdas[i - 2]) / 2;
                        float[] denoisedU = lincomb(1 / du, denoisedD, -1 / du, oldDenoisedD);
                        x = lincomb(1, x, alphaT * (dt * dt / 2 + su * noiseScaler(lt)), denoisedU);
                    }
                    oldDenoisedD = denoisedD;
                }
                double amount = Math.sqrt(lt * lt - ls * ls * r * r);
                if (Double.isNaN(amount)) {
                    amount = 0;
                }
                x = lincomb(1, x, alphaT * amount, noise.sample(sigma, next));
            }
            oldDenoised = denoised;
        }
        return x;
    }
}
