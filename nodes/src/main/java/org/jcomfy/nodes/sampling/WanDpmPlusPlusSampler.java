package org.jcomfy.nodes.sampling;

/**
 * The official Wan2.1 {@code sample_solver='dpm++'}: FlowDPMSolverMultistepScheduler with
 * dpmsolver++, order 2, midpoint, final sigma 0 (spec WAN-MODEL.md §4.3). First-order at the first and the
 * last step, second-order in between; m = x − σ·v, α = 1 − σ, λ = log α − log σ. Internal name
 * {@code wan_dpmpp}; use with {@link WanSchedules#dpmpp}.
 */
final class WanDpmPlusPlusSampler {
    private WanDpmPlusPlusSampler() {}

    private static double lambda(double sigma) { return Math.log(1 - sigma) - Math.log(sigma); }

    static float[] sample(SamplingTask task, float[] x) {
        float[] sigmas = task.sigmas();
        int n = task.steps();
        float[] previous = null;
        for (int i = 0; i < n; i++) {
            float[] m = task.denoise(x, sigmas[i]);
            task.report(i, n, x, m);
            double sigmaS = sigmas[i];
            double sigmaT = sigmas[i + 1];
            double lambdaS = lambda(sigmaS);
            double h = lambda(sigmaT) - lambdaS;
            double alphaT = 1 - sigmaT;
            double phi = Math.expm1(-h); // e^{-h} - 1
            float[] next = FloatArrays.lincomb(sigmaT / sigmaS, x, -alphaT * phi, m);
            boolean firstOrder = i == 0 || i == n - 1;
            if (!firstOrder) {
                double r0 = (lambdaS - lambda(sigmas[i - 1])) / h;
                // D1 = (m_i − m_{i−1}) / r0; r0 is infinite after a first sigma of 1, which makes D1 zero
                double c = -0.5 * alphaT * phi / r0;
                if (Double.isFinite(c) && c != 0) {
                    next = FloatArrays.lincomb(1, next, c, m, -c, previous);
                }
            }
            previous = m;
            x = next;
        }
        return x;
    }
}
