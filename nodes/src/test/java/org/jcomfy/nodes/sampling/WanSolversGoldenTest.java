package org.jcomfy.nodes.sampling;

import static org.jcomfy.backend.tensor.TensorMetrics.relativeL2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Wan2.1 FlowUniPC and FlowDPM++ trajectories (testdata/golden/sched-flow): 10 steps, shift 5,
 * fixed "model outputs" per step; every per-step prediction and sample must match at relative L2 <= 1e-5.
 */
class WanSolversGoldenTest {
    private static SafeTensorsFile golden;

    @BeforeAll
    static void open() {
        golden = SafeTensorsFile.open(Path.of(System.getProperty("jcomfy.testdata"), "golden", "sched-flow", "sched.safetensors"));
    }

    @AfterAll
    static void close() {
        golden.close();
    }

    static float[] f(String name) {
        return golden.tensor(name).toF32().toFloatArray();
    }

    /** The golden's "model": at call i it predicts velocity model_output_i, i.e. x0 = x − σ_i·v_i. */
    static Denoiser fixedVelocities(List<Double> sigmasSeen) {
        return (x, sigma) -> {
            int call = sigmasSeen.size();
            sigmasSeen.add(sigma);
            float[] v = f(String.format("model_output_%02d", call));
            return Tensor.of(FlowModelSampling.denoisedFromVelocity(x.toFloatArray(), v, sigma), x.shape());
        };
    }

    void checkTrajectory(String prefix, String sampler) {
        float[] sigmas = f(prefix + "_sigmas");
        long[] shape = golden.tensor("init_sample").shape();
        List<Double> seen = new ArrayList<>();
        List<String> report = new ArrayList<>();
        double[] worst = {0};
        StepCallback check = (step, total, x, denoised) -> {
            float[] wantX = step == 0 ? f("init_sample") : f(String.format("%s_sample_%02d", prefix, step - 1));
            double ex = relativeL2(x.toFloatArray(), wantX);
            double ed = relativeL2(denoised.toFloatArray(), f(String.format("%s_x0pred_%02d", prefix, step)));
            worst[0] = Math.max(worst[0], Math.max(ex, ed));
            report.add(String.format("step %d: x %.2e x0 %.2e", step, ex, ed));
        };
        SamplingTask task = new SamplingTask(fixedVelocities(seen), shape, sigmas, 0, FlowModelSampling.withShift(5), check);
        float[] out = Samplers.get(sampler).sample(task, f("init_sample"));
        double finalErr = relativeL2(out, f(prefix + "_sample_09"));
        System.out.println(sampler + " vs official: " + report + String.format(" final %.2e", finalErr));
        assertEquals(10, seen.size(), "one model call per step");
        assertTrue(worst[0] <= 1e-5 && finalErr <= 1e-5, sampler + " " + report + " final " + finalErr);
    }

    @Test
    void wan_unipc_reproduces_the_official_flow_unipc_trajectory() {
        checkTrajectory("unipc", Samplers.WAN_UNIPC);
    }

    @Test
    void wan_dpmpp_reproduces_the_official_flow_dpmpp_trajectory() {
        checkTrajectory("dpm", Samplers.WAN_DPMPP);
    }

    @Test
    void official_schedules_match_the_golden_for_10_40_and_50_steps_and_shifts_3_5_8() {
        String[][] cases = {{"unipc", "10", "5"}, {"dpm", "10", "5"}, {"unipc50_shift5", "50", "5"},
            {"unipc50_shift3", "50", "3"}, {"unipc50_shift8", "50", "8"}, {"unipc40_shift5", "40", "5"},
            {"dpm50_shift5", "50", "5"}, {"dpm50_shift3", "50", "3"}, {"dpm50_shift8", "50", "8"},
            {"dpm40_shift5", "40", "5"}};
        for (String[] c : cases) {
            int steps = Integer.parseInt(c[1]);
            double shift = Double.parseDouble(c[2]);
            WanSchedules.Schedule s = c[0].startsWith("unipc") ? WanSchedules.unipc(steps, shift) : WanSchedules.dpmpp(steps, shift);
            assertArrayEquals(f(c[0] + "_sigmas"), s.sigmas(), c[0]);
            assertArrayEquals(golden.tensor(c[0] + "_timesteps").toLongArray(), s.timesteps(), c[0]);
        }
    }

    @Test
    void comfyui_simple_schedule_differs_from_the_official_unipc_schedule_as_documented() {
        // ComfyUI's flow table starts at sigma 1 (t = 1000); official UniPC starts from float32(0.999) shifted.
        float[] comfy = Schedulers.sigmas("simple", FlowModelSampling.withShift(5), 50);
        float[] official = f("unipc50_shift5_sigmas");
        assertEquals(1.0f, comfy[0]);
        assertTrue(official[0] < 1.0f);
        assertEquals(comfy.length, official.length);
        assertEquals(0f, comfy[50]);
        // both descend from ~1 to 0 through similar shifted values; they are not the same schedule
        assertTrue(Math.abs(comfy[25] - official[25]) < 0.02, comfy[25] + " vs " + official[25]);
        // the official DPM++ schedule starts at exactly 1 and agrees with ComfyUI's simple closely, not exactly
        float[] dpm = f("dpm50_shift5_sigmas");
        assertEquals(1.0f, dpm[0]);
        for (int i = 0; i < 51; i++) {
            assertEquals(dpm[i], comfy[i], 2e-6, "dpm vs simple at " + i);
        }
    }

    @Test
    void comfyui_uni_pc_on_the_official_scenario_lands_near_the_official_result() {
        // Not parity (different algorithm, spec WAN-IN-COMFY.md §6): a sanity check on the same fixed outputs.
        float[] sigmas = f("dpm_sigmas");
        long[] shape = golden.tensor("init_sample").shape();
        List<Double> seen = new ArrayList<>();
        SamplingTask task = new SamplingTask(fixedVelocities(seen), shape, sigmas.clone(), 0,
                FlowModelSampling.withShift(5), null);
        float[] out = Samplers.get("uni_pc").sample(task, f("init_sample"));
        double err = relativeL2(out, f("dpm_sample_09"));
        System.out.println("ComfyUI uni_pc vs official dpm++ final: rel L2 " + err);
        assertEquals(10, seen.size());
        assertTrue(err < 1.0, "uni_pc diverged: " + err);
    }
}
