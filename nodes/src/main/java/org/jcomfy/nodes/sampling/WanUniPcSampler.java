package org.jcomfy.nodes.sampling;

import java.util.ArrayList;
import java.util.List;

/**
 * The official Wan2.1 default solver, FlowUniPCMultistepScheduler (spec WAN-MODEL.md §4.2): UniPC with
 * solver order 2, B(h) = expm1(−h) ("bh2"), data prediction m = x − σ·v, α = 1 − σ, λ = log α − log σ,
 * the UniC corrector from the second step on and lower-order first and last steps (orders 1, 2, …, 2, 1).
 * Not in ComfyUI's list (internal name {@code wan_unipc}); use with {@link WanSchedules#unipc}.
 */
final class WanUniPcSampler {
    private static final int SOLVER_ORDER = 2;

    private WanUniPcSampler() {}

    private static double alpha(double sigma) { return 1 - sigma; }

    private static double lambda(double sigma) { return Math.log(alpha(sigma)) - Math.log(sigma); }

    static float[] sample(SamplingTask task, float[] x) {
        float[] sigmas = task.sigmas();
        int n = task.steps();
        List<float[]> models = new ArrayList<>(); // most recent last, at most SOLVER_ORDER
        float[] lastSample = null;
        int lastOrder = 1;
        int lowerOrderNums = 0;
        for (int i = 0; i < n; i++) {
            float[] m = task.denoise(x, sigmas[i]);
            task.report(i, n, x, m);
            if (i > 0) { // UniC: correct the sample this step starts from
                x = corrector(sigmas, i, models, m, lastSample, lastOrder);
            }
            models.add(m);
            if (models.size() > SOLVER_ORDER) {
                models.remove(0);
            }
            int order = Math.min(Math.min(SOLVER_ORDER, n - i), lowerOrderNums + 1);
            lastSample = x;
            x = predictor(sigmas, i, models, x, order);
            lastOrder = order;
            lowerOrderNums = Math.min(lowerOrderNums + 1, SOLVER_ORDER);
        }
        return x;
    }

    /** UniP from σ_i to σ_{i+1}: models holds ..., m_{i−1}, m_i. */
    private static float[] predictor(float[] sigmas, int i, List<float[]> models, float[] x, int order) {
        int last = models.size() - 1;
        float[] m0 = models.get(last);
        double sigmaT = sigmas[i + 1];
        double sigmaS0 = sigmas[i];
        double lambdaS0 = lambda(sigmaS0);
        double h = lambda(sigmaT) - lambdaS0;
        double hh = -h;
        double hPhi1 = Math.expm1(hh);
        double bh = Math.expm1(hh);
        double alphaT = alpha(sigmaT);
        float[] base = FloatArrays.lincomb(sigmaT / sigmaS0, x, -alphaT * hPhi1, m0);
        if (order < 2) {
            return base;
        }
        double[] rks = new double[order];
        List<float[]> d1s = new ArrayList<>();
        for (int j = 1; j < order; j++) {
            double rk = (lambda(sigmas[i - j]) - lambdaS0) / h;
            rks[j - 1] = rk;
            d1s.add(FloatArrays.lincomb(1 / rk, models.get(last - j), -1 / rk, m0));
        }
        rks[order - 1] = 1;
        double[] rhos = order == 2 ? new double[] {0.5}
                : UniPcCoefficients.solve(powers(rks, order), UniPcCoefficients.bVector(hh, bh, order), order - 1);
        float[] out = base.clone();
        for (int k = 0; k < d1s.size(); k++) {
            out = FloatArrays.lincomb(1, out, -alphaT * bh * rhos[k], d1s.get(k));
        }
        return out;
    }

    /** UniC from σ_{i−1} to σ_i: models holds ..., m_{i−2}, m_{i−1}; modelT = m_i; base = corrected x_{i−1}. */
    private static float[] corrector(float[] sigmas, int i, List<float[]> models, float[] modelT, float[] lastSample,
            int order) {
        int last = models.size() - 1;
        float[] m0 = models.get(last);
        double sigmaT = sigmas[i];
        double sigmaS0 = sigmas[i - 1];
        double lambdaS0 = lambda(sigmaS0);
        double h = lambda(sigmaT) - lambdaS0;
        double hh = -h;
        double hPhi1 = Math.expm1(hh);
        double bh = Math.expm1(hh);
        double alphaT = alpha(sigmaT);
        double[] rks = new double[order];
        List<float[]> d1s = new ArrayList<>();
        for (int j = 1; j < order; j++) {
            double rk = (lambda(sigmas[i - (j + 1)]) - lambdaS0) / h;
            rks[j - 1] = rk;
            d1s.add(FloatArrays.lincomb(1 / rk, models.get(last - j), -1 / rk, m0));
        }
        rks[order - 1] = 1;
        double[] rhos = order == 1 ? new double[] {0.5}
                : UniPcCoefficients.solve(powers(rks, order), UniPcCoefficients.bVector(hh, bh, order), order);
        float[] out = FloatArrays.lincomb(sigmaT / sigmaS0, lastSample, -alphaT * hPhi1, m0);
        for (int k = 0; k < d1s.size(); k++) {
            out = FloatArrays.lincomb(1, out, -alphaT * bh * rhos[k], d1s.get(k));
        }
        double rhoLast = rhos[rhos.length - 1];
        float[] result = new float[out.length];
        for (int e = 0; e < out.length; e++) {
            result[e] = (float) (out[e] - alphaT * bh * rhoLast * (modelT[e] - m0[e]));
        }
        return result;
    }

    private static double[][] powers(double[] rks, int order) {
        double[][] r = new double[order][order];
        for (int row = 0; row < order; row++) {
            for (int k = 0; k < order; k++) {
                r[row][k] = Math.pow(rks[k], row);
            }
        }
        return r;
    }
}
