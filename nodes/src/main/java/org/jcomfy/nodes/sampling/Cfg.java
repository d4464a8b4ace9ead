package org.jcomfy.nodes.sampling;

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
     * combined with {@link #combine}. The model is called with timestep σ·1000 as float32, as ComfyUI does.
     */
    public static <C> Denoiser guided(VelocityModel<C> model, FlowModelSampling ms, C positive, C negative, double scale) {
        return (x, sigma) -> {
            float[] xs = x.toFloatArray();
            double timestep = ms.timestep((float) sigma);
            float[] cond = FlowModelSampling.denoisedFromVelocity(xs, model.velocity(x, timestep, positive).toFloatArray(), sigma);
            if (skipsUncond(scale)) {
                return Tensor.of(cond, x.shape());
            }
            float[] uncond = FlowModelSampling.denoisedFromVelocity(xs, model.velocity(x, timestep, negative).toFloatArray(), sigma);
            return Tensor.of(combine(cond, uncond, scale), x.shape());
        };
    }
}
