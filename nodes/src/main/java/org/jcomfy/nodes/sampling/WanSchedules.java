package org.jcomfy.nodes.sampling;

/**
 * The sigma schedules of the official Wan2.1 solvers (spec WAN-MODEL.md §4.1, §4.3), in float64 numpy order
 * and stored as float32 with a trailing 0; the model receives the truncated integer timesteps int(σ·1000).
 */
public final class WanSchedules {
    private WanSchedules() {}

    /** float32(0.999): the largest training sigma of the unshifted 1000-step table. */
    private static final double UNIPC_SIGMA_MAX = (float) 0.999;

    /** A schedule: N+1 float32 sigmas (last 0) and the N integer timesteps the model is called with. */
    public record Schedule(float[] sigmas, long[] timesteps) {}

    /** FlowUniPCMultistepScheduler.set_timesteps(N, shift): linspace(0.999, 0, N+1)[:-1], shifted. */
    public static Schedule unipc(int steps, double shift) {
        double[] sigma = numpyLinspace(UNIPC_SIGMA_MAX, 0.0, steps + 1);
        return build(sigma, steps, shift);
    }

    /** get_sampling_sigmas(N, shift) for FlowDPMSolverMultistepScheduler: linspace(1, 0, N+1)[:N], shifted. */
    public static Schedule dpmpp(int steps, double shift) {
        double[] sigma = numpyLinspace(1.0, 0.0, steps + 1);
        return build(sigma, steps, shift);
    }

    private static Schedule build(double[] linear, int steps, double shift) {
        float[] sigmas = new float[steps + 1];
        long[] timesteps = new long[steps];
        for (int i = 0; i < steps; i++) {
            double s = shift * linear[i] / (1 + (shift - 1) * linear[i]);
            timesteps[i] = (long) (s * 1000);
            sigmas[i] = (float) s;
        }
        return new Schedule(sigmas, timesteps);
    }

    /** numpy.linspace(start, stop, num): i·step + start, the last point set to stop exactly. */
    static double[] numpyLinspace(double start, double stop, int num) {
        double[] y = new double[num];
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            y[i] = i * step + start;
        }
        y[num - 1] = stop;
        return y;
    }
}
