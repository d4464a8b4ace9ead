package org.jcomfy.nodes.sampling;

import org.jcomfy.nodes.models.DenoisingRun;

import java.util.Arrays;
import org.jcomfy.backend.tensor.Tensor;

/**
 * The logic behind KSampler and KSamplerAdvanced, in the order of ComfyUI's {@code common_ksampler},
 * {@code comfy.samplers.KSampler} ({@code set_steps}, {@code sample}), {@code CFGGuider.inner_sample} and
 * {@code KSAMPLER.sample}:
 * <ol>
 *   <li>noise: {@link Noise#prepare} with the seed (per batch_index when present), or zeros without add_noise;</li>
 *   <li>sigmas: the scheduler's schedule (one step longer with the penultimate sigma dropped for dpm_2 / uni_pc),
 *       for denoise &lt; 1 the last steps+1 sigmas of a schedule for int(steps/denoise) steps; then cut after
 *       end_at_step (last sigma forced to 0 unless leftover noise is kept) and before start_at_step;</li>
 *   <li>the latent goes into model space (only if it has a non-zero element), the start point is
 *       σ0·noise + (1 − σ0)·latent, the sampler runs on the CFG-guided denoiser, the result is divided by
 *       (1 − σ_last) and brought back out of model space.</li>
 * </ol>
 * Noise masks (inpainting) are not supported yet.
 */
public final class KSamplerRun {
    private KSamplerRun() {}

    /** The sigmas ComfyUI's KSampler would sample with for these settings (possibly empty). */
    public static float[] sigmas(FlowModelSampling ms, KSamplerSettings s) {
        float[] sigmas;
        if (s.denoise() > 0.9999) {
            sigmas = schedule(ms, s.samplerName(), s.scheduler(), s.steps());
        } else if (s.denoise() <= 0.0) {
            sigmas = new float[0];
        } else {
            int newSteps = (int) (s.steps() / s.denoise());
            float[] all = schedule(ms, s.samplerName(), s.scheduler(), newSteps);
            sigmas = Arrays.copyOfRange(all, Math.max(0, all.length - (s.steps() + 1)), all.length);
        }
        if (s.endStep() != null && s.endStep() < sigmas.length - 1) {
            sigmas = Arrays.copyOf(sigmas, s.endStep() + 1);
            if (s.forceFullDenoise()) {
                sigmas[sigmas.length - 1] = 0;
            }
        }
        if (s.startStep() != null) {
            if (s.startStep() < sigmas.length - 1) {
                sigmas = Arrays.copyOfRange(sigmas, s.startStep(), sigmas.length);
            } else {
                return new float[0]; // nothing to do: the latent comes back unchanged
            }
        }
        return sigmas;
    }

    /** {@code KSampler.calculate_sigmas}: the scheduler, with the dpm_2/uni_pc penultimate-sigma rule. */
    static float[] schedule(FlowModelSampling ms, String sampler, String scheduler, int steps) {
        if (!Samplers.DISCARD_PENULTIMATE_SIGMA.contains(sampler)) {
            return Schedulers.sigmas(scheduler, ms, steps);
        }
        float[] longer = Schedulers.sigmas(scheduler, ms, steps + 1);
        float[] out = Arrays.copyOf(longer, longer.length - 1);
        out[out.length - 1] = longer[longer.length - 1];
        return out;
    }

    /**
     * Samples a raw (VAE-space) latent and returns the new raw latent.
     *
     * @param latent     LATENT "samples", row-major, of {@code shape} [B, C, ...]
     * @param batchIndex the LATENT's "batch_index", or null
     */
    public static <C> float[] run(VelocityModel<C> model, FlowModelSampling ms, LatentFormat format, long[] shape,
            float[] latent, int[] batchIndex, C positive, C negative, KSamplerSettings settings, StepCallback callback) {
        Sampler sampler = Samplers.get(settings.samplerName());
        float[] noise = settings.addNoise() ? Noise.prepare(settings.seed(), shape, batchIndex) : new float[latent.length];
        float[] sigmas = sigmas(ms, settings);
        if (sigmas.length == 0) {
            return latent.clone();
        }
        boolean nonZero = false;
        for (float v : latent) {
            if (v != 0) {
                nonZero = true;
                break;
            }
        }
        float[] modelLatent = nonZero ? format.processIn(latent, shape) : latent.clone();
        float[] start = FlowModelSampling.noiseScaling(sigmas[0], noise, modelLatent);
        // The run counts steps as the sampler reports them, so each model call knows its step.
        DenoisingRun run = new DenoisingRun(sigmas);
        Denoiser denoiser = Cfg.guided(model, ms, positive, negative, settings.cfg(), run);
        StepCallback counted = (step, total, x, denoised) -> {
            run.stepDone(step);
            if (callback != null) callback.onStep(step, total, x, denoised);
        };
        SamplingTask task = new SamplingTask(denoiser, shape, sigmas, settings.seed(), ms, counted);
        float[] sampled = sampler.sample(task, start);
        // read the last sigma after sampling: uni_pc replaces a final 0 by 0.001 in place, as ComfyUI's does
        sampled = FlowModelSampling.inverseNoiseScaling(sigmas[sigmas.length - 1], sampled);
        return format.processOut(sampled, shape);
    }

    /** Convenience for a LATENT given as a tensor. */
    public static <C> Tensor run(VelocityModel<C> model, FlowModelSampling ms, LatentFormat format, Tensor latent,
            int[] batchIndex, C positive, C negative, KSamplerSettings settings, StepCallback callback) {
        long[] shape = latent.shape();
        float[] out = run(model, ms, format, shape, latent.toFloatArray(), batchIndex, positive, negative, settings, callback);
        return Tensor.of(out, shape);
    }
}
