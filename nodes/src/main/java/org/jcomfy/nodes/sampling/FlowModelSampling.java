package org.jcomfy.nodes.sampling;

/**
 * ComfyUI's {@code ModelSamplingDiscreteFlow} with the {@code CONST} parameterisation, the model sampling of
 * Wan (spec WAN-IN-COMFY.md §6): sigma(t) = shift·t / (1 + (shift-1)·t), timestep = sigma·multiplier,
 * denoised = x - sigma·v, and noise scaling x = sigma·noise + (1 - sigma)·latent.
 *
 * <p>The 1000-entry sigma table is computed in float32 exactly as torch does
 * ({@code sigma(arange(1, 1001) / 1000 * 1000)}), so schedules taken from it carry ComfyUI's float32 values.
 */
public final class FlowModelSampling {
    /** Wan's built-in shift when no ModelSamplingSD3 node replaces it. */
    public static final double WAN_DEFAULT_SHIFT = 8.0;
    public static final int TIMESTEPS = 1000;

    private final double shift;
    private final double multiplier;
    private final float[] sigmas;

    public FlowModelSampling(double shift, double multiplier) {
        if (!(shift >= 0) || !(multiplier > 0)) {
            throw new IllegalArgumentException("shift must be >= 0 and multiplier > 0, got " + shift + ", " + multiplier);
        }
        this.shift = shift;
        this.multiplier = multiplier;
        this.sigmas = new float[TIMESTEPS];
        for (int i = 1; i <= TIMESTEPS; i++) {
            float t = (float) i / (float) TIMESTEPS;
            sigmas[i - 1] = sigma(t * (float) multiplier);
        }
    }

    /** Model sampling with multiplier 1000, as {@code ModelSamplingSD3(shift)} and Wan's defaults create it. */
    public static FlowModelSampling withShift(double shift) {
        return new FlowModelSampling(shift, 1000.0);
    }

    /** Wan's model sampling when the workflow has no ModelSamplingSD3 node (shift 8). */
    public static FlowModelSampling wanDefault() {
        return withShift(WAN_DEFAULT_SHIFT);
    }

    public double shift() { return shift; }

    public double multiplier() { return multiplier; }

    /** A copy of the float32 sigma table, ascending: sigmas[0] = sigma_min, sigmas[999] = sigma_max. */
    public float[] sigmaTable() { return sigmas.clone(); }

    public float sigmaMin() { return sigmas[0]; }

    public float sigmaMax() { return sigmas[TIMESTEPS - 1]; }

    /** {@code time_snr_shift(shift, timestep / multiplier)} in float32 arithmetic, as torch evaluates it. */
    public float sigma(float timestep) {
        float t = timestep / (float) multiplier;
        if (shift == 1.0) {
            return t;
        }
        float numerator = (float) shift * t;
        float denominator = 1.0f + (float) (shift - 1.0) * t;
        return numerator / denominator;
    }

    /** The value the model receives as its time input: sigma·multiplier (σ=1 gives t=1000). */
    public double timestep(double sigma) {
        return sigma * multiplier;
    }

    /** Float32 timestep as torch computes {@code sigma * multiplier} on a float tensor. */
    public float timestep(float sigma) {
        return sigma * (float) multiplier;
    }

    /** {@code percent_to_sigma}: 1 at 0 %, 0 at 100 %, in between the shifted 1 - percent (python doubles). */
    public double percentToSigma(double percent) {
        if (percent <= 0.0) {
            return 1.0;
        }
        if (percent >= 1.0) {
            return 0.0;
        }
        return shiftTime(shift, 1.0 - percent);
    }

    /** {@code time_snr_shift(alpha, t)} in double precision. */
    public static double shiftTime(double alpha, double t) {
        if (alpha == 1.0) {
            return t;
        }
        return alpha * t / (1 + (alpha - 1) * t);
    }

    /** CONST {@code calculate_denoised}: x0 = x - sigma·v, element by element into a new array. */
    public static float[] denoisedFromVelocity(float[] x, float[] v, double sigma) {
        float s = (float) sigma;
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] - s * v[i];
        }
        return out;
    }

    /** CONST {@code noise_scaling}: sigma·noise + (1 - sigma)·latent, the sampler's start point. */
    public static float[] noiseScaling(double sigma, float[] noise, float[] latent) {
        float s = (float) sigma;
        float keep = 1.0f - s;
        float[] out = new float[noise.length];
        for (int i = 0; i < noise.length; i++) {
            out[i] = s * noise[i] + keep * latent[i];
        }
        return out;
    }

    /** CONST {@code inverse_noise_scaling}: x / (1 - sigma_last); the identity when the last sigma is 0. */
    public static float[] inverseNoiseScaling(double sigmaLast, float[] x) {
        float keep = 1.0f - (float) sigmaLast;
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] / keep;
        }
        return out;
    }
}
