package org.jcomfy.nodes.sampling;

import org.jcomfy.backend.tensor.Tensor;

/**
 * Everything a {@link Sampler} needs besides the start point: the model, the latent shape, the sigma schedule
 * (float32 values, descending), the seed for ancestral/SDE noise, the model sampling and the step callback.
 */
public record SamplingTask(
        Denoiser denoiser, long[] shape, float[] sigmas, long seed, FlowModelSampling modelSampling,
        StepCallback callback) {

    public SamplingTask {
        if (sigmas.length == 0) {
            throw new IllegalArgumentException("a sampler needs at least one sigma");
        }
        callback = callback == null ? StepCallback.NONE : callback;
    }

    /** Number of sampler steps (sigmas.length - 1). */
    public int steps() {
        return sigmas.length - 1;
    }

    public double sigma(int i) {
        return sigmas[i];
    }

    /** Runs the model on a float array. */
    public float[] denoise(float[] x, double sigma) {
        Tensor out = denoiser.denoise(Tensor.of(x, shape), sigma);
        float[] values = out.toFloatArray();
        if (values.length != x.length) {
            throw new IllegalStateException("denoiser returned " + values.length + " values for " + x.length);
        }
        return values;
    }

    /** Reports step i to the callback. */
    public void report(int i, int total, float[] x, float[] denoised) {
        callback.onStep(i, total, Tensor.of(x, shape), Tensor.of(denoised, shape));
    }

    /** ComfyUI's {@code default_noise_sampler} on the CPU: a torch generator seeded with seed + 1. */
    public NoiseSampler defaultNoise() {
        TorchGenerator generator = new TorchGenerator(seed + 1);
        int n = Math.toIntExact(Tensor.count(shape));
        return (sigma, sigmaNext) -> generator.randn(n);
    }

    /** The Brownian-motion noise of the SDE samplers over [smallest positive sigma, largest sigma]. */
    public NoiseSampler brownianNoise() {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (float s : sigmas) {
            if (s > 0) {
                min = Math.min(min, s);
            }
            max = Math.max(max, s);
        }
        return new BrownianNoiseSampler(seed, Math.toIntExact(Tensor.count(shape)), min, max);
    }
}
