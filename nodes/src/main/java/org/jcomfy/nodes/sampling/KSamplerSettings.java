package org.jcomfy.nodes.sampling;

/**
 * The widget values of KSampler / KSamplerAdvanced that shape a sampling run (spec NODES.md, Sampling).
 * {@code startStep}/{@code endStep} are null for KSampler, which has no such widgets.
 */
public record KSamplerSettings(
        long seed, int steps, double cfg, String samplerName, String scheduler, double denoise, boolean addNoise,
        Integer startStep, Integer endStep, boolean forceFullDenoise) {

    public KSamplerSettings {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }
    }

    /** KSampler: full-range schedule, noise added, denoise strength. */
    public static KSamplerSettings ksampler(long seed, int steps, double cfg, String sampler, String scheduler, double denoise) {
        return new KSamplerSettings(seed, steps, cfg, sampler, scheduler, denoise, true, null, null, false);
    }

    /** KSamplerAdvanced: denoise 1, optional noise, a step window, leftover noise kept or not. */
    public static KSamplerSettings advanced(boolean addNoise, long seed, int steps, double cfg, String sampler,
            String scheduler, int startAtStep, int endAtStep, boolean returnWithLeftoverNoise) {
        return new KSamplerSettings(seed, steps, cfg, sampler, scheduler, 1.0, addNoise, startAtStep, endAtStep,
                !returnWithLeftoverNoise);
    }
}
