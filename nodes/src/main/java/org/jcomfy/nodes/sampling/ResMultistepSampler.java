package org.jcomfy.nodes.sampling;

import static org.jcomfy.nodes.sampling.FloatArrays.derivative;
import static org.jcomfy.nodes.sampling.FloatArrays.lincomb;
import static org.jcomfy.nodes.sampling.FloatArrays.step;

/**
 * ComfyUI's {@code res_multistep} (arXiv 2308.02157, second-order multistep exponential integrator in
 * t = −log σ): an Euler first step, then x ← e^{−h}·x + h·(b1·denoised + b2·previous denoised). The
 * {@code res_multistep} name runs it with eta = 0; {@code res_multistep_ancestral} with eta = 1.
 */
final class ResMultistepSampler {
    private ResMultistepSampler() {}

    static float[] sample(SamplingTask task, float[] x) {
        return sample(task, x, 0.0);
    }

    /** {@code res_multistep_ancestral}: eta = 1, VE-style ancestral split and default (seed + 1) noise. */
    static float[] ancestral(SamplingTask task, float[] x) {
        return sample(task, x, 1.0);
    }

    private static float[] sample(SamplingTask task, float[] x, double eta) {
        NoiseSampler noise = eta > 0 ? task.defaultNoise() : null;
        int n = task.steps();
        float[] oldDenoised = null;
        double oldSigmaDown = 0;
        for (int i = 0; i < n; i++) {
            double sigma = task.sigma(i);
            double[] ancestral = DpmPlusPlusSamplers.ancestralStep(sigma, task.sigma(i + 1), eta);
            double sigmaDown = ancestral[0];
            float[] denoised = task.denoise(x, sigma);
            task.report(i, n, x, denoised);
            if (sigmaDown == 0 || oldDenoised == null) {
                x = step(x, derivative(x, denoised, sigma), sigmaDown - sigma);
            } else {
                double t = -Math.log(sigma);
                double tOld = -Math.log(oldSigmaDown);
                double tNext = -Math.log(sigmaDown);
                double tPrev = -Math.log(task.sigma(i - 1));
                double h = tNext - t;
                double c2 = (tPrev - tOld) / h;
                double phi1 = Math.expm1(-h) / -h;
                double phi2 = (phi1 - 1) / -h;
                double b1 = zeroIfNaN(phi1 - phi2 / c2);
                double b2 = zeroIfNaN(phi2 / c2);
                x = lincomb(Math.exp(-h), x, h * b1, denoised, h * b2, oldDenoised);
            }
            if (noise != null && task.sigma(i + 1) > 0) {
                x = lincomb(1, x, ancestral[1], noise.sample(sigma, task.sigma(i + 1)));
            }
            oldDenoised = denoised;
            oldSigmaDown = sigmaDown;
        }
        return x;
    }

    private static double zeroIfNaN(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}
