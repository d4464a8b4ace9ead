package org.jcomfy.nodes.sampling;

import java.util.ArrayList;
import java.util.List;

/**
 * ComfyUI's {@code uni_pc} / {@code uni_pc_bh2} ({@code comfy/extra_samplers/uni_pc.py}), which is not the
 * official Wan FlowUniPC (see {@link WanUniPcSampler}): it treats every sigma as a VE noise level,
 * α = 1/√(1+σ²), divides the start by √(1+σ0²), wraps the model as an ε-predictor fed x·√(1+σ²), and runs
 * multistep UniPC with predict_x0, order min(3, steps − 1), lower-order final steps and the corrector on all
 * but the last update. A final sigma of 0 becomes 0.001 and the result is divided by α(0.001).
 *
 * <p>All scalars are computed in float32, operation by operation, as ComfyUI computes them on float32 0-dim
 * tensors: near σ = 0.001 the VE formulas cancel badly (1 − e^{2·log ᾱ} ≈ σ²), and the float32 rounding there
 * moves the result by about 5e-5 relative, so doing it in double would not reproduce ComfyUI.
 *
 * <p>ComfyUI overwrites the last sigma of the caller's schedule with 0.001 in place (a tensor view), so its
 * {@code inverse_noise_scaling} then divides by 1 − 0.001. This class does the same to {@code task.sigmas()};
 * {@link KSamplerRun} reads the last sigma after sampling, as ComfyUI does.
 */
final class UniPcSampler {
    private final boolean bh2;

    UniPcSampler(boolean bh2) {
        this.bh2 = bh2;
    }

    // SigmaConvert: the VE schedule seen through VP formulas, in float32.
    private static float logMeanCoeff(float s) { return 0.5f * (float) Math.log(1.0f / (s * s + 1.0f)); }

    private static float alpha(float s) { return (float) Math.exp(logMeanCoeff(s)); }

    private static float std(float s) { return (float) Math.sqrt(1.0f - (float) Math.exp(2.0f * logMeanCoeff(s))); }

    private static float lambda(float s) {
        float lmc = logMeanCoeff(s);
        return lmc - 0.5f * (float) Math.log(1.0f - (float) Math.exp(2.0f * lmc));
    }

    float[] sample(SamplingTask task, float[] noise) {
        float[] timesteps = task.sigmas(); // shared on purpose, see the class comment
        if (timesteps[timesteps.length - 1] == 0) {
            timesteps[timesteps.length - 1] = 0.001f;
        }
        int steps = timesteps.length - 1;
        int order = Math.min(3, timesteps.length - 2);
        float startScale = (float) Math.sqrt(1.0f + timesteps[0] * timesteps[0]);
        float[] x = new float[noise.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = noise[i] / startScale;
        }

        List<float[]> models = new ArrayList<>();
        List<Float> times = new ArrayList<>();
        for (int stepIndex = 0; stepIndex < steps; stepIndex++) {
            if (stepIndex == 0) {
                models.add(dataPrediction(task, x, timesteps[0]));
                times.add(timesteps[0]);
            } else if (stepIndex < order) {
                float t = timesteps[stepIndex];
                Update u = update(task, x, models, times, t, stepIndex, true);
                x = u.x;
                models.add(u.model);
                times.add(t);
            } else {
                int extraFinalStep = stepIndex == steps - 1 ? 1 : 0;
                for (int step = stepIndex; step <= stepIndex + extraFinalStep; step++) {
                    float t = timesteps[step];
                    int stepOrder = Math.min(order, steps + 1 - step);
                    boolean useCorrector = step != steps;
                    Update u = update(task, x, models, times, t, stepOrder, useCorrector);
                    x = u.x;
                    for (int i = 0; i < order - 1; i++) {
                        times.set(i, times.get(i + 1));
                        models.set(i, models.get(i + 1));
                    }
                    times.set(times.size() - 1, t);
                    if (step < steps) {
                        models.set(models.size() - 1, u.model != null ? u.model : dataPrediction(task, x, t));
                    }
                }
            }
            task.report(stepIndex, steps, x, models.get(models.size() - 1));
        }
        float endAlpha = alpha(timesteps[steps]);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] / endAlpha;
        }
        return out;
    }

    /** x0 through the ε wrapper: ε = (x√(σ²+1) − D(x√(σ²+1), σ))/σ, x0 = (x − std·ε)/α. */
    private static float[] dataPrediction(SamplingTask task, float[] x, float sigma) {
        float scale = (float) Math.sqrt(sigma * sigma + 1.0f);
        float[] input = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            input[i] = x[i] * scale;
        }
        float[] denoised = task.denoise(input, sigma);
        float a = alpha(sigma);
        float s = std(sigma);
        float[] x0 = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            float eps = (input[i] - denoised[i]) / sigma;
            x0[i] = (x[i] - s * eps) / a;
        }
        return x0;
    }

    private record Update(float[] x, float[] model) {}

    /** {@code multistep_uni_pc_bh_update} with predict_x0. */
    private Update update(SamplingTask task, float[] x, List<float[]> models, List<Float> times, float t,
            int order, boolean useCorrector) {
        int last = models.size() - 1;
        float tPrev0 = times.get(last);
        float[] modelPrev0 = models.get(last);
        float lambdaPrev0 = lambda(tPrev0);
        float h = lambda(t) - lambdaPrev0;
        float sigmaT = std(t);
        float sigmaPrev0 = std(tPrev0);
        float alphaT = (float) Math.exp(logMeanCoeff(t));

        double[] rks = new double[order];
        List<float[]> d1s = new ArrayList<>();
        for (int i = 1; i < order; i++) {
            float rk = (lambda(times.get(last - i)) - lambdaPrev0) / h;
            rks[i - 1] = rk;
            float[] mi = models.get(last - i);
            float[] d = new float[x.length];
            for (int e = 0; e < d.length; e++) {
                d[e] = (mi[e] - modelPrev0[e]) / rk;
            }
            d1s.add(d);
        }
        rks[order - 1] = 1.0;
        float hh = -h;
        float hPhi1 = (float) Math.expm1(hh);
        float bh = bh2 ? (float) Math.expm1(hh) : hh;
        double[] b = new double[order];
        float hPhiK = hPhi1 / hh - 1.0f;
        int factorial = 1;
        double[][] r = new double[order][order];
        for (int i = 1; i <= order; i++) {
            for (int k = 0; k < order; k++) {
                r[i - 1][k] = i == 1 ? 1.0 : i == 2 ? rks[k] : (float) (rks[k] * rks[k]);
            }
            b[i - 1] = hPhiK * (float) factorial / bh;
            factorial *= i + 1;
            hPhiK = hPhiK / hh - (float) (1.0 / factorial);
        }

        float ratio = sigmaT / sigmaPrev0;
        float prevWeight = alphaT * hPhi1;
        float[] xBase = new float[x.length];
        for (int e = 0; e < x.length; e++) {
            xBase[e] = ratio * x[e] - prevWeight * modelPrev0[e];
        }
        float resWeight = alphaT * bh;
        float[] xt = xBase;
        if (!d1s.isEmpty()) {
            double[] rhosP = order == 2 ? new double[] {0.5} : UniPcCoefficients.solve(r, b, order - 1);
            float[] pred = weighted(d1s, rhosP, x.length);
            xt = new float[x.length];
            for (int e = 0; e < x.length; e++) {
                xt[e] = xBase[e] - resWeight * pred[e];
            }
        }
        float[] modelT = null;
        if (useCorrector) {
            modelT = dataPrediction(task, xt, t);
            double[] rhosC = order == 1 ? new double[] {0.5} : UniPcCoefficients.solve(r, b, order);
            float[] corr = weighted(d1s, rhosC, x.length);
            float rhoLast = (float) rhosC[rhosC.length - 1];
            float[] out = new float[x.length];
            for (int e = 0; e < out.length; e++) {
                out[e] = xBase[e] - resWeight * (corr[e] + rhoLast * (modelT[e] - modelPrev0[e]));
            }
            xt = out;
        }
        return new Update(xt, modelT);
    }

    /** einsum('k,bkchw->bchw', rhos, D1s) in float32. */
    private static float[] weighted(List<float[]> d1s, double[] rhos, int n) {
        float[] out = new float[n];
        for (int k = 0; k < d1s.size(); k++) {
            float[] d = d1s.get(k);
            float rho = (float) rhos[k];
            for (int i = 0; i < n; i++) {
                out[i] += rho * d[i];
            }
        }
        return out;
    }
}
