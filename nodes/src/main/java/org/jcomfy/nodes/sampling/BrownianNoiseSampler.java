package org.jcomfy.nodes.sampling;

import java.util.Map;
import java.util.TreeMap;

/**
 * Noise for the SDE samplers (dpmpp_sde, dpmpp_2m_sde): increments of one Brownian motion W over
 * [sigmaMin, sigmaMax], returned normalised, (W(t1) - W(t0)) / sqrt(|t1 - t0|), as ComfyUI's
 * {@code BrownianTreeNoiseSampler} returns them.
 *
 * <p>Not bit-identical to ComfyUI: ComfyUI uses torchsde's {@code BrownianTree}, whose samples come from its own
 * seed-splitting scheme and would need torchsde reimplemented. This class samples the same process exactly:
 * W(sigmaMin) = 0, W(sigmaMax) ~ N(0, sigmaMax - sigmaMin), and every new time point is drawn from the Brownian
 * bridge between its known neighbours, so overlapping queries (dpmpp_sde asks for [s, s_mid] and [s, s_next])
 * are correlated as a Brownian path requires. Draws come from a {@link TorchGenerator} seeded with the sampler
 * seed, so a seed always gives the same path.
 */
final class BrownianNoiseSampler implements NoiseSampler {
    private final TorchGenerator generator;
    private final int size;
    private final double tMin;
    private final double tMax;
    private final TreeMap<Double, float[]> path = new TreeMap<>();

    BrownianNoiseSampler(long seed, int size, double tMin, double tMax) {
        this.generator = new TorchGenerator(seed);
        this.size = size;
        this.tMin = tMin;
        this.tMax = Math.max(tMax, tMin);
        path.put(tMin, new float[size]);
        if (this.tMax > tMin) {
            path.put(this.tMax, FloatArrays.scale(generator.randn(size), Math.sqrt(this.tMax - tMin)));
        }
    }

    @Override
    public float[] sample(double sigma, double sigmaNext) {
        double t0 = Math.min(sigma, sigmaNext);
        double t1 = Math.max(sigma, sigmaNext);
        double sign = sigma < sigmaNext ? 1 : -1; // torchsde's tree is queried in sorted order, sign restored
        float[] w0 = at(t0);
        float[] w1 = at(t1);
        double norm = Math.sqrt(t1 - t0);
        float[] out = new float[size];
        if (norm == 0) {
            return out;
        }
        for (int i = 0; i < size; i++) {
            out[i] = (float) (sign * (w1[i] - w0[i]) / norm);
        }
        return out;
    }

    /** W(t), drawn from the Brownian bridge between the nearest known points the first time t is asked for. */
    private float[] at(double t) {
        t = Math.clamp(t, tMin, tMax);
        float[] known = path.get(t);
        if (known != null) {
            return known;
        }
        Map.Entry<Double, float[]> below = path.floorEntry(t);
        Map.Entry<Double, float[]> above = path.ceilingEntry(t);
        double a = below.getKey();
        double b = above.getKey();
        double weight = (t - a) / (b - a);
        double std = Math.sqrt((t - a) * (b - t) / (b - a));
        float[] z = generator.randn(size);
        float[] w = new float[size];
        for (int i = 0; i < size; i++) {
            w[i] = (float) (below.getValue()[i] + weight * (above.getValue()[i] - below.getValue()[i]) + std * z[i]);
        }
        path.put(t, w);
        return w;
    }
}
