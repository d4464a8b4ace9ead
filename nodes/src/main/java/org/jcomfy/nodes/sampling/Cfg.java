package org.jcomfy.nodes.sampling;

import org.jcomfy.nodes.models.DenoisingRun;
import org.jcomfy.nodes.models.GuidanceBranch;

import org.jcomfy.backend.tensor.Tensor;

/**
 * Classifier-free guidance as ComfyUI's {@code cfg_function} applies it: on the denoised predictions,
 * uncond + (cond − uncond)·cfg, and with cfg == 1 the negative conditioning is not evaluated at all.
 */
public final class Cfg {
    private Cfg() {}

    /** uncond + (cond − uncond)·scale, element by element. */
    public static float[] combine(float[] cond, float[] uncond, double scale) {
        float[] out = new float[cond.length];
        for (int i = 0; i < cond.length; i++) {
            out[i] = (float) (uncond[i] + (cond[i] - uncond[i]) * scale);
        }
        return out;
    }

    /** Whether ComfyUI skips the unconditional pass ({@code math.isclose(cfg, 1.0)}). */
    public static boolean skipsUncond(double scale) {
        return Math.abs(scale - 1.0) <= 1e-9 * Math.max(Math.abs(scale), 1.0);
    }

    /**
     * The guided denoiser: x0 = x − σ·v for the positive (and, unless cfg is 1, the negative) conditioning,
     * combined with {@link #combine}. The model is called with timestep σ·1000 as float32, as ComfyUI does;
     * each call is numbered in {@code run} under its guidance branch.
     */
    public static <C> Denoiser guided(VelocityModel<C> model, FlowModelSampling ms, C positive, C negative, double scale,
                                      DenoisingRun run) {
        return (x, sigma) -> {
            float[] xs = x.toFloatArray();
            double timestep = ms.timestep((float) sigma);
            Tensor v = model.velocity(x, timestep, positive, run.call(GuidanceBranch.COND, sigma));
            float[] cond = FlowModelSampling.denoisedFromVelocity(xs, v.toFloatArray(), sigma);
            if (skipsUncond(scale)) {
                return Tensor.of(cond, x.shape());
            }
            Tensor vu = model.velocity(x, timestep, negative, run.call(GuidanceBranch.UNCOND, sigma));
            float[] uncond = FlowModelSampling.denoisedFromVelocity(xs, vu.toFloatArray(), sigma);
            return Tensor.of(combine(cond, uncond, scale), x.shape());
        };
    }
}
