package org.jcomfy.nodes.sampling;

import static org.jcomfy.backend.tensor.TensorMetrics.relativeL2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jcomfy.nodes.models.DenoisingRun;
import org.jcomfy.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The KSampler / KSamplerAdvanced flow: schedules, step windows, noise, CFG and latent format handling. */
class KSamplerRunTest {
    static final long[] SHAPE = {1, 16, 2, 4, 4};
    static final int N = 512;
    static final FlowModelSampling WAN = FlowModelSampling.wanDefault();

    /** A toy flow model whose data is the single point target(cond) in model space: v = (x − target)/σ. */
    static VelocityModel<Float> pointModel(List<String> calls) {
        return (x, timestep, cond, call) -> {
            calls.add(cond + "@" + timestep);
            double sigma = timestep / 1000; // the model is called with sigma·1000
            float[] xs = x.toFloatArray();
            float[] v = new float[xs.length];
            for (int i = 0; i < xs.length; i++) {
                v[i] = (float) ((xs[i] - cond) / sigma);
            }
            return Tensor.of(v, x.shape());
        };
    }

    /** A smooth, state-dependent toy velocity (not a point mass), for hand-off tests. */
    static VelocityModel<Float> swirlModel() {
        return (x, timestep, cond, call) -> {
            float[] xs = x.toFloatArray();
            float[] v = new float[xs.length];
            double t = timestep / 1000;
            for (int i = 0; i < xs.length; i++) {
                v[i] = (float) (0.8 * xs[i] - cond + 0.3 * Math.sin(3 * xs[(i + 1) % xs.length]) * t);
            }
            return Tensor.of(v, x.shape());
        };
    }

    @Test
    void ksampler_uses_the_scheduler_schedule_and_uni_pc_drops_the_penultimate_sigma() {
        float[] euler = KSamplerRun.sigmas(WAN, KSamplerSettings.ksampler(0, 20, 6, "euler", "simple", 1.0));
        assertArrayEquals(Schedulers.sigmas("simple", WAN, 20), euler);
        float[] unipc = KSamplerRun.sigmas(WAN, KSamplerSettings.ksampler(0, 20, 6, "uni_pc", "simple", 1.0));
        double[] spec = {1.0, .993873, .987048, .979732, .971514, .962425, .95254, .941259, .928839, .914468, .898029,
            .879465, .857357, .831197, .800479, .762159, .715301, .65383, .571714, .45933, 0};
        assertEquals(spec.length, unipc.length);
        for (int i = 0; i < spec.length; i++) {
            assertEquals(spec[i], unipc[i], 1e-6, "uni_pc sigma " + i);
        }
    }

    @Test
    void denoise_below_one_keeps_the_tail_of_a_longer_schedule() {
        float[] s = KSamplerRun.sigmas(WAN, KSamplerSettings.ksampler(0, 10, 6, "euler", "simple", 0.5));
        float[] longer = Schedulers.sigmas("simple", WAN, 20);
        assertArrayEquals(Arrays.copyOfRange(longer, 10, 21), s);
        assertEquals(0, KSamplerRun.sigmas(WAN, KSamplerSettings.ksampler(0, 10, 6, "euler", "simple", 0.0)).length);
    }

    @Test
    void advanced_step_windows_split_the_schedule_like_the_wan22_two_stage_workflow() {
        float[] full = Schedulers.sigmas("simple", WAN, 20);
        float[] high = KSamplerRun.sigmas(WAN, KSamplerSettings.advanced(true, 0, 20, 3.5, "euler", "simple", 0, 10, true));
        float[] low = KSamplerRun.sigmas(WAN, KSamplerSettings.advanced(false, 0, 20, 3.5, "euler", "simple", 10, 10000, false));
        assertArrayEquals(Arrays.copyOfRange(full, 0, 11), high);
        assertArrayEquals(Arrays.copyOfRange(full, 10, 21), low);
        float[] forced = KSamplerRun.sigmas(WAN, KSamplerSettings.advanced(true, 0, 20, 3.5, "euler", "simple", 0, 10, false));
        assertEquals(0f, forced[10]);
        assertEquals(0, KSamplerRun.sigmas(WAN, KSamplerSettings.advanced(true, 0, 20, 3.5, "euler", "simple", 20, 10000, false)).length);
    }

    @Test
    void a_run_lands_on_the_model_target_and_leaves_model_space_through_the_latent_format() {
        List<String> calls = new ArrayList<>();
        float[] out = KSamplerRun.run(pointModel(calls), WAN, LatentFormat.WAN21, SHAPE, new float[N], null, 0.25f, -1f,
                KSamplerSettings.ksampler(42, 8, 1.0, "euler", "simple", 1.0), null);
        float[] expected = LatentFormat.WAN21.processOut(filled(0.25f), SHAPE);
        assertTrue(relativeL2(out, expected) < 1e-5, "rel " + relativeL2(out, expected));
        assertEquals(8, calls.size(), "cfg 1 evaluates only the positive conditioning");
        assertTrue(calls.stream().allMatch(c -> c.startsWith("0.25@")), calls.toString());
        assertEquals("0.25@1000.0", calls.getFirst(), "sigma 1 is timestep 1000");
    }

    @Test
    void cfg_combines_denoised_predictions_and_calls_the_model_twice_per_step() {
        List<String> calls = new ArrayList<>();
        float[] out = KSamplerRun.run(pointModel(calls), WAN, LatentFormat.identity(16), SHAPE, new float[N], null, 0.25f,
                -1f, KSamplerSettings.ksampler(42, 6, 5.0, "euler", "simple", 1.0), null);
        assertEquals(12, calls.size());
        // denoised = uncond + (cond − uncond)·5 = −1 + 1.25·5 = 5.25 at every step, so that is where euler lands
        for (float v : out) {
            assertEquals(5.25, v, 1e-4);
        }
        assertArrayEquals(new float[] {-1 + 2 * 5f}, Cfg.combine(new float[] {1}, new float[] {-1}, 5));
        assertTrue(Cfg.skipsUncond(1.0));
    }

    @Test
    void the_two_stage_leftover_noise_hand_off_equals_one_uninterrupted_run() {
        float[] latent = new float[N];
        Arrays.fill(latent, 0.1f); // non-zero, so the latent format round trip is exercised
        LatentFormat f = LatentFormat.WAN21;
        float[] single = KSamplerRun.run(swirlModel(), WAN, f, SHAPE, latent, null, 0.2f, 0f,
                KSamplerSettings.advanced(true, 7, 20, 1.0, "euler", "simple", 0, 10000, false), null);
        float[] stage1 = KSamplerRun.run(swirlModel(), WAN, f, SHAPE, latent, null, 0.2f, 0f,
                KSamplerSettings.advanced(true, 7, 20, 1.0, "euler", "simple", 0, 10, true), null);
        float[] stage2 = KSamplerRun.run(swirlModel(), WAN, f, SHAPE, stage1, null, 0.2f, 0f,
                KSamplerSettings.advanced(false, 7, 20, 1.0, "euler", "simple", 10, 10000, false), null);
        assertTrue(relativeL2(stage2, single) < 1e-5, "hand-off differs: " + relativeL2(stage2, single));
    }

    @Test
    void start_at_or_after_the_last_step_returns_the_latent_unchanged() {
        float[] latent = Noise.prepare(3, SHAPE);
        float[] out = KSamplerRun.run(swirlModel(), WAN, LatentFormat.WAN21, SHAPE, latent, null, 0f, 0f,
                KSamplerSettings.advanced(true, 1, 20, 1.0, "euler", "simple", 25, 10000, false), null);
        assertArrayEquals(latent, out);
    }

    @Test
    void the_start_point_is_the_seeded_torch_noise_scaled_by_the_first_sigma() {
        List<Tensor> starts = new ArrayList<>();
        StepCallback first = (step, total, x, denoised) -> {
            if (step == 0) {
                starts.add(x);
            }
        };
        float[] latent = new float[N];
        KSamplerRun.run(swirlModel(), WAN, LatentFormat.WAN21, SHAPE, latent, null, 0f, 0f,
                KSamplerSettings.ksampler(123456789L, 4, 1.0, "euler", "simple", 1.0), first);
        assertArrayEquals(new TorchGenerator(123456789L).randn(SHAPE), starts.getFirst().toFloatArray());
    }

    @Test
    void uni_pc_ends_divided_by_one_minus_its_substitute_last_sigma_as_comfyui_does() {
        // ComfyUI's sample_unipc writes 0.001 into the caller's last sigma; inverse_noise_scaling then uses it.
        List<String> calls = new ArrayList<>();
        float[] out = KSamplerRun.run(pointModel(calls), WAN, LatentFormat.identity(16), SHAPE, new float[N], null, 0.5f,
                0f, KSamplerSettings.ksampler(5, 10, 1.0, "uni_pc", "simple", 1.0), null);
        float[] sigmas = KSamplerRun.sigmas(WAN, KSamplerSettings.ksampler(5, 10, 1.0, "uni_pc", "simple", 1.0));
        SamplingTask task = new SamplingTask(Cfg.guided(pointModel(new ArrayList<>()), WAN, 0.5f, 0f, 1.0, new DenoisingRun(sigmas)), SHAPE,
                sigmas, 5, WAN, null);
        float[] raw = Samplers.get("uni_pc").sample(task, FlowModelSampling.noiseScaling(sigmas[0], Noise.prepare(5, SHAPE), new float[N]));
        assertEquals(0.001f, task.sigmas()[sigmas.length - 1], "the schedule's last sigma was replaced in place");
        for (int i = 0; i < N; i++) {
            assertEquals(raw[i] / (1 - 0.001f), out[i], 1e-7);
        }
        assertEquals(10, calls.size());
    }

    @Test
    void batch_index_noise_takes_the_draw_of_each_index_from_one_generator() {
        long[] shape = {2, 16, 1, 2, 2};
        float[] noise = Noise.prepare(9, shape, new int[] {2, 0});
        TorchGenerator g = new TorchGenerator(9);
        float[] d0 = g.randn(64);
        g.randn(64);
        float[] d2 = g.randn(64);
        assertArrayEquals(d2, Arrays.copyOfRange(noise, 0, 64));
        assertArrayEquals(d0, Arrays.copyOfRange(noise, 64, 128));
        assertArrayEquals(Noise.prepare(9, shape), Noise.prepare(9, shape, null));
    }

    @Test
    void an_unimplemented_sampler_fails_before_any_model_call() {
        List<String> calls = new ArrayList<>();
        assertThrows(IllegalArgumentException.class, () -> KSamplerRun.run(pointModel(calls), WAN, LatentFormat.WAN21,
                SHAPE, new float[N], null, 0f, 0f, KSamplerSettings.ksampler(0, 4, 1, "dpm_fast", "simple", 1), null));
        assertEquals(0, calls.size());
    }

    @Test
    void a_callback_that_throws_stops_sampling_at_that_step() {
        List<String> calls = new ArrayList<>();
        StepCallback interrupt = (step, total, x, denoised) -> {
            if (step == 2) {
                throw new IllegalStateException("interrupted at " + step + " of " + total);
            }
        };
        var e = assertThrows(IllegalStateException.class, () -> KSamplerRun.run(pointModel(calls), WAN,
                LatentFormat.WAN21, SHAPE, new float[N], null, 0f, 0f,
                KSamplerSettings.ksampler(0, 20, 1.0, "dpmpp_2m", "simple", 1.0), interrupt));
        assertEquals("interrupted at 2 of 20", e.getMessage());
        assertEquals(3, calls.size());
    }

    static float[] filled(float v) {
        float[] a = new float[N];
        Arrays.fill(a, v);
        return a;
    }
}
