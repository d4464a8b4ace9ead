package org.jcomfy.nodes.sampling;

/**
 * ComfyUI's {@code sample_lcm}: jump to the model's prediction, then re-noise it to the next sigma with fresh
 * noise from the default (seed + 1) generator using the model's noise scaling (σ·noise + (1 − σ)·x for flow).
 */
final class LcmSampler {
    private LcmSampler() {}

    static float[] sample(SamplingTask task, float[] x) {
        NoiseSampler noise = task.defaultNoise();
        int n = task.steps();
        for (int i = 0; i < n; i++) {
            double sigma = task.sigma(i);
            double next = task.sigma(i + 1);
            float[] denoised = task.denoise(x, sigma);
            task.report(i, n, x, denoised);
            x = denoised;
            if (next > 0) {
                x = FlowModelSampling.noiseScaling(next, noise.sample(sigma, next), x);
            }
        }
        return x;
    }
}
