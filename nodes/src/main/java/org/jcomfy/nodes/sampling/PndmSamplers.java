package org.jcomfy.nodes.sampling;

import static org.jcomfy.nodes.sampling.FloatArrays.derivative;
import static org.jcomfy.nodes.sampling.FloatArrays.step;

import java.util.ArrayList;
import java.util.List;

/**
 * Multistep samplers on the Karras derivative d = (x − denoised)/σ from {@code comfy/k_diffusion/sampling.py}
 * (after zju-pi/diff-sampler, Apache 2): ipndm (fixed Adams–Bashforth weights up to order 4), ipndm_v
 * (variable-step weights) and gradient_estimation (ge_gamma = 2). Each ends on σ = 0 by taking the prediction.
 */
final class PndmSamplers {
    private PndmSamplers() {}

    private static final int MAX_ORDER = 4;

    static float[] ipndm(SamplingTask task, float[] x) {
        return run(task, x, false);
    }

    static float[] ipndmV(SamplingTask task, float[] x) {
        return run(task, x, true);
    }

    private static float[] run(SamplingTask task, float[] x, boolean variable) {
        int n = task.steps();
        List<float[]> buffer = new ArrayList<>(); // previous derivatives, oldest first, at most MAX_ORDER − 1
        for (int i = 0; i < n; i++) {
            double tCur = task.sigma(i);
            double tNext = task.sigma(i + 1);
            float[] denoised = task.denoise(x, tCur);
            task.report(i, n, x, denoised);
            float[] d = derivative(x, denoised, tCur);
            int order = Math.min(MAX_ORDER, i + 1);
            float[] next;
            if (tNext == 0) {
                next = denoised;
            } else if (order == 1) {
                next = step(x, d, tNext - tCur);
            } else {
                double[] c = variable ? variableCoefficients(task, i, order) : fixedCoefficients(order);
                float[] combo = new float[x.length];
                for (int e = 0; e < x.length; e++) {
                    double v = c[0] * d[e];
                    for (int k = 1; k < order; k++) {
                        v += c[k] * buffer.get(buffer.size() - k)[e];
                    }
                    combo[e] = (float) v;
                }
                next = step(x, combo, tNext - tCur);
            }
            buffer.add(d);
            if (buffer.size() > MAX_ORDER - 1) {
                buffer.remove(0);
            }
            x = next;
        }
        return x;
    }

    /** Weights of d_cur, d_{−1}, d_{−2}, d_{−3} for the fixed-step formulas. */
    private static double[] fixedCoefficients(int order) {
        return switch (order) {
            case 2 -> new double[] {3 / 2.0, -1 / 2.0};
            case 3 -> new double[] {23 / 12.0, -16 / 12.0, 5 / 12.0};
            default -> new double[] {55 / 24.0, -59 / 24.0, 37 / 24.0, -9 / 24.0};
        };
    }

    /** ipndm_v's weights from the actual step sizes h_n, h_{n−1}, ... */
    private static double[] variableCoefficients(SamplingTask task, int i, int order) {
        double hn = task.sigma(i + 1) - task.sigma(i);
        double hn1 = task.sigma(i) - task.sigma(i - 1);
        if (order == 2) {
            return new double[] {(2 + hn / hn1) / 2, -(hn / hn1) / 2};
        }
        double hn2 = task.sigma(i - 1) - task.sigma(i - 2);
        double temp1 = (1 - hn / (3 * (hn + hn1)) * (hn * (hn + hn1)) / (hn1 * (hn1 + hn2))) / 2;
        if (order == 3) {
            return new double[] {(2 + hn / hn1) / 2 + temp1, -(hn / hn1) / 2 - (1 + hn1 / hn2) * temp1, temp1 * hn1 / hn2};
        }
        double hn3 = task.sigma(i - 2) - task.sigma(i - 3);
        double temp2 = ((1 - hn / (3 * (hn + hn1))) / 2 + (1 - hn / (2 * (hn + hn1))) * hn / (6 * (hn + hn1 + hn2)))
                * (hn * (hn + hn1) * (hn + hn1 + hn2)) / (hn1 * (hn1 + hn2) * (hn1 + hn2 + hn3));
        double q = hn1 * (hn1 + hn2) / (hn2 * (hn2 + hn3));
        return new double[] {
            (2 + hn / hn1) / 2 + temp1 + temp2,
            -(hn / hn1) / 2 - (1 + hn1 / hn2) * temp1 - (1 + hn1 / hn2 + q) * temp2,
            temp1 * hn1 / hn2 + (hn1 / hn2 + q * (1 + hn2 / hn3)) * temp2,
            -temp2 * q * hn1 / hn2};
    }

    /** {@code sample_gradient_estimation}: Euler plus (ge_gamma − 1)·(d − d_prev)·dt from the second step on. */
    static float[] gradientEstimation(SamplingTask task, float[] x) {
        double geGamma = 2.0;
        int n = task.steps();
        float[] oldD = null;
        for (int i = 0; i < n; i++) {
            double sigma = task.sigma(i);
            double next = task.sigma(i + 1);
            float[] denoised = task.denoise(x, sigma);
            float[] d = derivative(x, denoised, sigma);
            task.report(i, n, x, denoised);
            double dt = next - sigma;
            if (next == 0) {
                x = denoised;
            } else {
                x = step(x, d, dt);
                if (i >= 1) {
                    x = FloatArrays.lincomb(1, x, (geGamma - 1) * dt, d, -(geGamma - 1) * dt, oldD);
                }
            }
            oldD = d;
        }
        return x;
    }
}
