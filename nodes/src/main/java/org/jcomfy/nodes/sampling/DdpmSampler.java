package org.jcomfy.nodes.sampling;

/**
 * ComfyUI's {@code sample_ddpm} ({@code generic_step_sampler} with {@code DDPMSampler_step}). Like ComfyUI it
 * reads the sigmas as VE noise levels even for flow models (ᾱ = 1/(1 + σ²)), scaling x into and out of that
 * view around each ancestral DDPM step, with noise from the default (seed + 1) generator.
 */
final class DdpmSampler {
    private DdpmSampler() {}

    static float[] sample(SamplingTask task, float[] x) {
        NoiseSampler noise = task.defaultNoise();
        int n = task.steps();
        for (int i = 0; i < n; i++) {
            double sigma = task.sigma(i);
            double next = task.sigma(i + 1);
            float[] denoised = task.denoise(x, sigma);
            task.report(i, n, x, denoised);
            double alphaCumprod = 1 / (sigma * sigma + 1);
            double alphaCumprodPrev = 1 / (next * next + 1);
            double alpha = alphaCumprod / alphaCumprodPrev;
            double inScale = 1 / Math.sqrt(1.0 + sigma * sigma);
            double epsScale = (1 - alpha) / Math.sqrt(1 - alphaCumprod);
            double muScale = Math.sqrt(1.0 / alpha);
            float[] mu = new float[x.length];
            for (int e = 0; e < x.length; e++) {
                double eps = (x[e] - denoised[e]) / sigma;
                mu[e] = (float) (muScale * (x[e] * inScale - epsScale * eps));
            }
            if (next > 0) {
                double std = Math.sqrt((1 - alpha) * (1. - alphaCumprodPrev) / (1. - alphaCumprod));
                mu = FloatArrays.lincomb(1, mu, std, noise.sample(sigma, next));
            }
            x = next != 0 ? FloatArrays.scale(mu, Math.sqrt(1.0 + next * next)) : mu;
        }
        return x;
    }
}
