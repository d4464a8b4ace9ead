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
 * <p>ComfyUI overwrites the last sigma of the caller's schedule with 0.001 in place (a tensor view), so its
 * {@code inverse_noise_scaling} then divides by 1 − 0.001. This class does the same to {@code task.sigmas()};
 * {@link KSamplerRun} reads the last sigma after sampling, as ComfyUI does.
 */
final class UniPcSampler {
    private final boolean bh2;

    UniPcSampler(boolean bh2) {
        this.bh2 = bh2;
    }

    // SigmaConvert: the VE schedule seen through VP formulas.
    private static double logMeanCoeff(double s) { return 0.5 * Math.log(1 / (s * s + 1)); }

    private static double alpha(double s) { return Math.exp(logMeanCoeff(s)); }

    private static double std(double s) { return Math.sqrt(1 - Math.exp(2 * logMeanCoeff(s))); }

    private static double lambda(double s) {
        double lmc = logMeanCoeff(s);
        return lmc - 0.5 * Math.log(1 - Math.exp(2 * lmc));
    }

    float[] sample(SamplingTask task, float[] noise) {
        float[] timesteps = task.sigmas(); // shared on purpose, see the class comment
        if (timesteps[timesteps.length - 1] == 0) {
            timesteps[timesteps.length - 1] = 0.001f;
        }
        int steps = timesteps.length - 1;
        int order = Math.min(3, timesteps.length - 2);
        float[] x = FloatArrays.scale(noise, 1 / Math.sqrt(1.0 + (double) timesteps[0] * timesteps[0]));

        List<float[]> models = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        for (int stepIndex = 0; stepIndex < steps; stepIndex++) {
            if (stepIndex == 0) {
                models.add(dataPrediction(task, x, timesteps[0]));
                times.add((double) timesteps[0]);
            } else if (stepIndex < order) {
                double t = timesteps[stepIndex];
                Update u = update(task, x, models, times, t, stepIndex, true);
                x = u.x;
                models.add(u.model);
                times.add(t);
            } else {
                int extraFinalStep = stepIndex == steps - 1 ? 1 : 0;
                for (int step = stepIndex; step <= stepIndex + extraFinalStep; step++) {
                    double t = timesteps[step];
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
        return FloatArrays.scale(x, 1 / alpha(timesteps[steps]));
    }

    /** x0 through the ε wrapper: ε = (x√(σ²+1) − D(x√(σ²+1), σ))/σ, x0 = (x − std·ε)/α. */
    private static float[] dataPrediction(SamplingTask task, float[] x, double sigma) {
        double scale = Math.sqrt(sigma * sigma + 1.0);
        float[] input = FloatArrays.scale(x, scale);
        float[] denoised = task.denoise(input, sigma);
        double a = alpha(sigma);
        double s = std(sigma);
        float[] x0 = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            double eps = (input[i] - denoised[i]) / sigma;
            x0[i] = (float) ((x[i] - s * eps) / a);
        }
        return x0;
    }

    private record Update(float[] x, float[] model) {}

    /** {@code multistep_uni_pc_bh_update} with predict_x0. */
    private Update update(SamplingTask task, float[] x, List<float[]> models, List<Double> times, double t,
            int order, boolean useCorrector) {
        int last = models.size() - 1;
        double tPrev0 = times.get(last);
        float[] modelPrev0 = models.get(last);
        double lambdaPrev0 = lambda(tPrev0);
        double h = lambda(t) - lambdaPrev0;
        double sigmaT = std(t);
        double sigmaPrev0 = std(tPrev0);
        double alphaT = Math.exp(logMeanCoeff(t));

        double[] rks = new double[order];
        List<float[]> d1s = new ArrayList<>();
        for (int i = 1; i < order; i++) {
            double rk = (lambda(times.get(last - i)) - lambdaPrev0) / h;
            rks[i - 1] = rk;
            d1s.add(FloatArrays.lincomb(1 / rk, models.get(last - i), -1 / rk, modelPrev0));
        }
        rks[order - 1] = 1.0;
        double hh = -h;
        double hPhi1 = Math.expm1(hh);
        double bh = bh2 ? Math.expm1(hh) : hh;
        double[][] r = new double[order][order];
        double[] b = UniPcCoefficients.bVector(hh, bh, order);
        for (int i = 0; i < order; i++) {
            for (int k = 0; k < order; k++) {
                r[i][k] = Math.pow(rks[k], i);
            }
        }

        float[] xBase = FloatArrays.lincomb(sigmaT / sigmaPrev0, x, -alphaT * hPhi1, modelPrev0);
        float[] xt = xBase;
        if (!d1s.isEmpty()) {
            double[] rhosP = order == 2 ? new double[] {0.5} : UniPcCoefficients.solve(r, b, order - 1);
            xt = FloatArrays.lincomb(1, xBase, -alphaT * bh, weighted(d1s, rhosP, x.length));
        }
        float[] modelT = null;
        if (useCorrector) {
            modelT = dataPrediction(task, xt, t);
            double[] rhosC = order == 1 ? new double[] {0.5} : UniPcCoefficients.solve(r, b, order);
            float[] corr = weighted(d1s, rhosC, x.length);
            double last_ = rhosC[rhosC.length - 1];
            float[] out = new float[x.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) (xBase[i] - alphaT * bh * (corr[i] + last_ * (modelT[i] - modelPrev0[i])));
            }
            xt = out;
        }
        return new Update(xt, modelT);
    }

    private static float[] weighted(List<float[]> d1s, double[] rhos, int n) {
        float[] out = new float[n];
        for (int k = 0; k < d1s.size(); k++) {
            float[] d = d1s.get(k);
            for (int i = 0; i < n; i++) {
                out[i] = (float) (out[i] + rhos[k] * d[i]);
            }
        }
        return out;
    }
}
