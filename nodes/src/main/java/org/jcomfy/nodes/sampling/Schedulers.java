package org.jcomfy.nodes.sampling;

import java.util.ArrayList;
import java.util.List;

/**
 * ComfyUI's schedulers ({@code comfy/samplers.py} {@code calculate_sigmas}): each turns a step count into
 * a descending list of sigmas ending in 0, taken from or shaped by a {@link FlowModelSampling}. Values are
 * float32, as ComfyUI keeps them ({@code torch.FloatTensor}); arithmetic follows torch's float32 order.
 */
public final class Schedulers {
    private Schedulers() {}

    /** {@code SCHEDULER_NAMES}, in ComfyUI's order (the KSampler combo). */
    public static final List<String> NAMES = List.of(
            "simple", "sgm_uniform", "karras", "exponential", "ddim_uniform", "beta", "normal",
            "linear_quadratic", "kl_optimal");

    /** The sigmas of scheduler {@code name} for {@code steps} steps (usually steps+1 values, last 0). */
    public static float[] sigmas(String name, FlowModelSampling ms, int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        return switch (name) {
            case "simple" -> simple(ms, steps);
            case "sgm_uniform" -> normal(ms, steps, true);
            case "karras" -> karras(steps, ms.sigmaMin(), ms.sigmaMax(), 7.0);
            case "exponential" -> exponential(steps, ms.sigmaMin(), ms.sigmaMax());
            case "ddim_uniform" -> ddimUniform(ms, steps);
            case "beta" -> beta(ms, steps, 0.6, 0.6);
            case "normal" -> normal(ms, steps, false);
            case "linear_quadratic" -> linearQuadratic(ms, steps, 0.025);
            case "kl_optimal" -> klOptimal(steps, ms.sigmaMin(), ms.sigmaMax());
            default -> throw new IllegalArgumentException("unknown scheduler '" + name + "'; known: " + NAMES);
        };
    }

    /** Every 1000/steps-th entry of the table, from the top. */
    static float[] simple(FlowModelSampling ms, int steps) {
        float[] table = ms.sigmaTable();
        float[] out = new float[steps + 1];
        double stride = (double) table.length / steps;
        for (int k = 0; k < steps; k++) {
            out[k] = table[table.length - 1 - (int) (k * stride)];
        }
        return out;
    }

    /** {@code normal_scheduler}: timesteps evenly spaced between sigma_max and sigma_min, mapped back. */
    static float[] normal(FlowModelSampling ms, int steps, boolean sgm) {
        float start = ms.timestep(ms.sigmaMax());
        float end = ms.timestep(ms.sigmaMin());
        boolean appendZero = true;
        float[] timesteps;
        if (sgm) {
            float[] all = TorchLinspace.of(start, end, steps + 1);
            timesteps = java.util.Arrays.copyOf(all, steps);
        } else {
            int n = steps;
            if (Math.abs(ms.sigma(end)) <= 1e-5) {
                n += 1;
                appendZero = false;
            }
            timesteps = TorchLinspace.of(start, end, n);
        }
        float[] out = new float[timesteps.length + (appendZero ? 1 : 0)];
        for (int i = 0; i < timesteps.length; i++) {
            out[i] = ms.sigma(timesteps[i]);
        }
        return out;
    }

    /** Karras et al. (2022): evenly spaced in sigma^(1/rho). */
    static float[] karras(int n, double sigmaMin, double sigmaMax, double rho) {
        float[] ramp = TorchLinspace.of(0f, 1f, n);
        double minInvRho = Math.pow(sigmaMin, 1 / rho);
        double maxInvRho = Math.pow(sigmaMax, 1 / rho);
        float span = (float) (minInvRho - maxInvRho);
        float[] out = new float[n + 1];
        for (int i = 0; i < n; i++) {
            float base = (float) maxInvRho + ramp[i] * span;
            out[i] = (float) Math.pow(base, rho);
        }
        return out;
    }

    /** Evenly spaced in log sigma. */
    static float[] exponential(int n, double sigmaMin, double sigmaMax) {
        float[] logs = TorchLinspace.of((float) Math.log(sigmaMax), (float) Math.log(sigmaMin), n);
        float[] out = new float[n + 1];
        for (int i = 0; i < n; i++) {
            out[i] = (float) Math.exp(logs[i]);
        }
        return out;
    }

    /** {@code ddim_scheduler}: every (1000 // steps)-th table entry from index 1 upward, reversed, plus 0. */
    static float[] ddimUniform(FlowModelSampling ms, int steps) {
        float[] table = ms.sigmaTable();
        List<Float> sigs = new ArrayList<>();
        int x = 1;
        if (Math.abs(table[x]) <= 1e-5) {
            steps += 1;
        } else {
            sigs.add(0.0f);
        }
        int stride = Math.max(table.length / steps, 1);
        while (x < table.length) {
            sigs.add(table[x]);
            x += stride;
        }
        float[] out = new float[sigs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = sigs.get(sigs.size() - 1 - i);
        }
        return out;
    }

    /** Beta(alpha, beta) quantiles over the table (arXiv 2407.12173), repeated indices dropped. */
    static float[] beta(FlowModelSampling ms, int steps, double alpha, double beta) {
        float[] table = ms.sigmaTable();
        int total = table.length - 1;
        List<Float> sigs = new ArrayList<>();
        double last = -1;
        for (int i = 0; i < steps; i++) {
            double q = 1 - i * (1.0 / steps); // 1 - numpy.linspace(0, 1, steps, endpoint=False)
            double t = Math.rint(BetaDistribution.quantile(q, alpha, beta) * total);
            if (t != last) {
                sigs.add(table[(int) t]);
            }
            last = t;
        }
        sigs.add(0.0f);
        float[] out = new float[sigs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = sigs.get(i);
        }
        return out;
    }

    /** Mochi's linear-then-quadratic schedule, scaled by sigma_max (computed in doubles, stored as float). */
    static float[] linearQuadratic(FlowModelSampling ms, int steps, double thresholdNoise) {
        double[] schedule;
        if (steps == 1) {
            schedule = new double[] {1.0, 0.0};
        } else {
            int linearSteps = steps / 2;
            schedule = new double[steps + 1];
            for (int i = 0; i < linearSteps; i++) {
                schedule[i] = i * thresholdNoise / linearSteps;
            }
            double stepDiff = linearSteps - thresholdNoise * steps;
            int quadraticSteps = steps - linearSteps;
            double quadraticCoef = stepDiff / (linearSteps * Math.pow(quadraticSteps, 2));
            double linearCoef = thresholdNoise / linearSteps - 2 * stepDiff / Math.pow(quadraticSteps, 2);
            double constant = quadraticCoef * Math.pow(linearSteps, 2);
            for (int i = linearSteps; i < steps; i++) {
                schedule[i] = quadraticCoef * ((double) i * i) + linearCoef * i + constant;
            }
            schedule[steps] = 1.0;
            for (int i = 0; i <= steps; i++) {
                schedule[i] = 1.0 - schedule[i];
            }
        }
        float[] out = new float[schedule.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) schedule[i] * ms.sigmaMax();
        }
        return out;
    }

    /** KL-optimal: tan of values evenly spaced between atan(sigma_max) and atan(sigma_min). */
    static float[] klOptimal(int n, double sigmaMin, double sigmaMax) {
        float[] out = new float[n + 1];
        float atanMin = (float) Math.atan(sigmaMin);
        float atanMax = (float) Math.atan(sigmaMax);
        for (int i = 0; i < n; i++) {
            float t = (float) i / (float) (n - 1);
            float mixed = t * atanMin + (1.0f - t) * atanMax;
            out[i] = (float) Math.tan(mixed);
        }
        return out;
    }
}
