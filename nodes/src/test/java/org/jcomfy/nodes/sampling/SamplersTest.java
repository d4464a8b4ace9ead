package org.jcomfy.nodes.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jcomfy.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Every implemented sampler on toy denoisers with closed forms:
 * <ul>
 *   <li>a single data point mu (denoised = mu exactly): every sampler must land at mu;</li>
 *   <li>Gaussian data N(mu, s²): the exact flow denoiser is known, deterministic samplers must transport the
 *       start noise ε to mu + s·ε (the probability-flow ODE is linear here), stochastic ones must produce
 *       samples with mean mu and standard deviation s.</li>
 * </ul>
 */
class SamplersTest {
    static final long[] SHAPE = {1, 4, 2, 16, 16}; // 2048 values
    static final int N = 2048;
    static final double MU = 0.3;
    static final double S = 0.5;

    static final List<String> REQUIRED = List.of("euler", "euler_ancestral", "heun", "dpm_2", "dpmpp_2m",
            "dpmpp_2m_sde", "dpmpp_sde", "uni_pc", "uni_pc_bh2", "ddim", "lcm", "res_multistep");

    static float[] sigmasFor(String sampler, int steps) {
        return KSamplerRun.schedule(FlowModelSampling.withShift(3), sampler, "simple", steps);
    }

    /** Denoised = E[x0 | x_σ] for x0 ~ N(MU, S²) per element, x_σ = (1 − σ)·x0 + σ·ε. */
    static Denoiser gaussianData(AtomicInteger calls) {
        return gaussianData(MU, S, calls);
    }

    /** The exact denoiser of data x0 ~ N(mu, s²) per element under the flow x_σ = (1 − σ)·x0 + σ·ε. */
    static Denoiser gaussianData(double mu, double s, AtomicInteger calls) {
        return (x, sigma) -> {
            calls.incrementAndGet();
            float[] xs = x.toFloatArray();
            double a = 1 - sigma;
            double gain = a * s * s / (a * a * s * s + sigma * sigma);
            float[] out = new float[xs.length];
            for (int i = 0; i < xs.length; i++) {
                out[i] = (float) (mu + gain * (xs[i] - a * mu));
            }
            return Tensor.of(out, x.shape());
        };
    }

    static Denoiser pointData(AtomicInteger calls) {
        return (x, sigma) -> {
            calls.incrementAndGet();
            float[] out = new float[(int) x.numel()];
            java.util.Arrays.fill(out, (float) MU);
            return Tensor.of(out, x.shape());
        };
    }

    static float[] noise(long seed) {
        return Noise.prepare(seed, SHAPE);
    }

    @Test
    void every_required_comfyui_sampler_is_listed_and_implemented_in_comfyui_order() {
        assertEquals(42, Samplers.NAMES.size());
        for (String name : REQUIRED) {
            assertTrue(Samplers.isListed(name), name);
            assertTrue(Samplers.isImplemented(name), name);
        }
        assertFalse(Samplers.isListed(Samplers.WAN_UNIPC));
        assertEquals("euler", Samplers.NAMES.getFirst());
        assertEquals("uni_pc_bh2", Samplers.NAMES.getLast());
    }

    @Test
    void a_listed_but_unimplemented_sampler_is_refused_with_a_clear_message() {
        assertTrue(Samplers.isListed("dpm_adaptive"));
        assertFalse(Samplers.isImplemented("dpm_adaptive"));
        var e = assertThrows(IllegalArgumentException.class, () -> Samplers.get("dpm_adaptive"));
        assertTrue(e.getMessage().contains("not implemented"), e.getMessage());
        assertTrue(e.getMessage().contains("uni_pc"), e.getMessage());
        assertTrue(Samplers.notImplementedMessage("nope").contains("unknown sampler"));
    }

    @Test
    void every_sampler_lands_on_a_single_data_point_and_reports_every_step() {
        assertTrue(Samplers.implementedNames().containsAll(REQUIRED));
        for (String name : Samplers.implementedNames()) {
            int steps = 12;
            AtomicInteger calls = new AtomicInteger();
            AtomicInteger reports = new AtomicInteger();
            float[] sigmas = sigmasFor(name, steps);
            StepCallback cb = (step, total, x, denoised) -> {
                assertEquals(reports.getAndIncrement(), step, name);
                assertEquals(steps, total, name);
            };
            SamplingTask task = new SamplingTask(pointData(calls), SHAPE, sigmas, 42, FlowModelSampling.withShift(3), cb);
            float[] out = Samplers.get(name).sample(task, FlowModelSampling.noiseScaling(sigmas[0], noise(7), new float[N]));
            // ComfyUI's uni_pc stops at sigma 0.001 in its VE view, so a trace of the start remains
            double tolerance = name.startsWith("uni_pc") ? 5e-3 : 1e-5;
            for (float v : out) {
                assertEquals(MU, v, tolerance, name);
            }
            assertEquals(steps, reports.get(), name + " callbacks");
            int expectedCalls = switch (name) {
                // a second evaluation except on the last step
                case "heun", "dpm_2", "dpm_2_ancestral", "dpmpp_2s_ancestral", "dpmpp_sde", "dpmpp_sde_gpu", "seeds_2" -> 2 * steps - 1;
                case "heunpp2" -> 3 * steps - 3; // three evaluations, two on the second-to-last step, one on the last
                default -> steps;
            };
            assertEquals(expectedCalls, calls.get(), name + " model calls");
        }
    }

    /** Root-mean-square distance of a sampler's result from the exact flow endpoint mu + s·ε. */
    static double flowError(String name, int steps, float[] eps) {
        float[] sigmas = sigmasFor(name, steps);
        SamplingTask task = new SamplingTask(gaussianData(new AtomicInteger()), SHAPE, sigmas, 0,
                FlowModelSampling.withShift(3), null);
        float[] out = Samplers.get(name).sample(task, FlowModelSampling.noiseScaling(sigmas[0], eps, new float[N]));
        double se = 0;
        for (int i = 0; i < N; i++) {
            double e = out[i] - (MU + S * eps[i]);
            se += e * e;
        }
        return Math.sqrt(se / N);
    }

    @Test
    void deterministic_samplers_converge_to_the_exact_gaussian_flow_at_their_order() {
        float[] eps = noise(3);
        // order 1: 4x more steps give ~4x less error; order 2: ~16x (measured 7-15x, the final step to 0 is lower order)
        record Case(String name, double maxErrorAt60, double minImprovement) {}
        List<Case> cases = List.of(new Case("euler", 3e-2, 3), new Case("ddim", 3e-2, 3), new Case("heun", 5e-3, 6),
                new Case("dpm_2", 1.5e-2, 6), new Case("dpmpp_2m", 1e-2, 6), new Case("res_multistep", 1e-2, 6),
                new Case("uni_pc", 1.5e-2, 6), new Case("uni_pc_bh2", 1.5e-2, 6), new Case("ipndm", 5e-3, 6),
                // heunpp2 and gradient_estimation are heuristics that converge at first order here; ipndm_v's
                // fourth-order weights (copied by ComfyUI from diff-sampler) are not Adams-Bashforth for equal
                // steps (57/24 instead of 55/24), so it gets an accuracy bound only
                new Case("heunpp2", 2e-2, 3), new Case("gradient_estimation", 2e-2, 2.5), new Case("ipndm_v", 5e-3, 0));
        for (Case c : cases) {
            double e60 = flowError(c.name, 60, eps);
            double e240 = flowError(c.name, 240, eps);
            System.out.printf("%s: rms error %.2e at 60 steps, %.2e at 240%n", c.name, e60, e240);
            assertTrue(e60 < c.maxErrorAt60, c.name + " error " + e60);
            assertTrue(e60 / e240 > c.minImprovement, c.name + " converges too slowly: " + e60 + " -> " + e240);
        }
    }

    @Test
    void stochastic_samplers_produce_the_data_distribution_and_depend_on_the_seed() {
        float[] start = noise(5);
        for (String name : List.of("euler_ancestral", "dpm_2_ancestral", "dpmpp_2s_ancestral", "dpmpp_sde",
                "dpmpp_2m_sde", "dpmpp_2m_sde_heun", "dpmpp_3m_sde", "er_sde", "seeds_2", "lcm", "res_multistep_ancestral",
                "ddpm")) {
            float[] sigmas = sigmasFor(name, 120);
            float[][] outs = new float[2][];
            for (int k = 0; k < 2; k++) {
                SamplingTask task = new SamplingTask(gaussianData(new AtomicInteger()), SHAPE, sigmas.clone(), 100 + k,
                        FlowModelSampling.withShift(3), null);
                outs[k] = Samplers.get(name).sample(task, FlowModelSampling.noiseScaling(sigmas[0], start, new float[N]));
            }
            double mean = 0;
            for (float v : outs[0]) {
                mean += v / N;
            }
            double var = 0;
            for (float v : outs[0]) {
                var += (v - mean) * (v - mean) / N;
            }
            System.out.printf("%s: mean %.4f std %.4f%n", name, mean, Math.sqrt(var));
            // lcm re-noises model predictions, so it does not sample the data distribution; ComfyUI's
            // res_multistep_ancestral and ddpm treat flow sigmas as VE noise levels (no RF variant), which biases
            // them on flow models (measured here: mean 0.54 / 0.51, std 0.71 / 0.63): seed behaviour only
            if (!Set.of("res_multistep_ancestral", "ddpm").contains(name)) {
                assertEquals(MU, mean, 0.03, name + " mean");
            }
            if (!Set.of("lcm", "res_multistep_ancestral", "ddpm").contains(name)) {
                assertEquals(S, Math.sqrt(var), 0.04, name + " std");
            }
            assertFalse(java.util.Arrays.equals(outs[0], outs[1]), name + " ignores the seed");

            SamplingTask again = new SamplingTask(gaussianData(new AtomicInteger()), SHAPE, sigmas.clone(), 100,
                    FlowModelSampling.withShift(3), null);
            assertArrayEquals(outs[0], Samplers.get(name).sample(again,
                    FlowModelSampling.noiseScaling(sigmas[0], start, new float[N])), name + " not reproducible");
        }
    }

    @Test
    void euler_ancestral_draws_its_noise_from_torch_seeded_with_seed_plus_one() {
        float[] sigmas = {1.0f, 0.6f, 0.3f, 0f};
        long seed = 1234;
        float[] x0 = noise(9);
        SamplingTask task = new SamplingTask(pointData(new AtomicInteger()), SHAPE, sigmas, seed,
                FlowModelSampling.withShift(3), null);
        float[] out = EulerSamplers.eulerAncestral(
                new SamplingTask(task.denoiser(), SHAPE, new float[] {1.0f, 0.6f}, seed, task.modelSampling(), null), x0);
        // by hand: one RF ancestral step from 1.0 to 0.6 with eta 1
        float[] z = new TorchGenerator(seed + 1).randn(N);
        double sigmaDown = 0.6 * (0.6 / 1.0);
        double alphaNext = 0.4;
        double alphaDown = 1 - sigmaDown;
        double renoise = Math.sqrt(0.36 - sigmaDown * sigmaDown * alphaNext * alphaNext / (alphaDown * alphaDown));
        for (int i = 0; i < N; i++) {
            double x = sigmaDown * x0[i] + (1 - sigmaDown) * MU;
            x = alphaNext / alphaDown * x + renoise * z[i];
            assertEquals(x, out[i], 1e-6);
        }
    }

    @Test
    void brownian_noise_is_standard_normal_and_consistent_over_overlapping_intervals() {
        BrownianNoiseSampler b = new BrownianNoiseSampler(11, 20000, 0.01, 1.0);
        float[] whole = b.sample(0.8, 0.2);
        float[] first = b.sample(0.8, 0.5);
        float[] second = b.sample(0.5, 0.2);
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < whole.length; i++) {
            sum += whole[i];
            sq += whole[i] * (double) whole[i];
            // W(0.2) − W(0.8) = (W(0.5) − W(0.8)) + (W(0.2) − W(0.5)), each normalised by its sqrt(length)
            double recombined = (first[i] * Math.sqrt(0.3) + second[i] * Math.sqrt(0.3)) / Math.sqrt(0.6);
            assertEquals(whole[i], recombined, 1e-5);
        }
        assertEquals(0, sum / whole.length, 0.03);
        assertEquals(1, Math.sqrt(sq / whole.length), 0.03);
    }
}
