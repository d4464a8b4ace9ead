package org.jcomfy.nodes.acceleration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.BlockLoop;
import org.jcomfy.nodes.models.DenoisingRun;
import org.jcomfy.nodes.models.GuidanceBranch;
import org.jcomfy.nodes.sampling.Cfg;
import org.jcomfy.nodes.sampling.Denoiser;
import org.jcomfy.nodes.sampling.FlowModelSampling;
import org.jcomfy.nodes.sampling.VelocityModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * EasyCache, LazyCache and TeaCache decide as their published rules do, call by call, on a recorded
 * run (testdata/cache-traces, written by tools/make_cache_traces.py from ComfyUI's
 * nodes_easycache.py and TeaCache4Wan2.1). The recorded velocities and time embeddings go through
 * the policies' real entry points, composed as KSamplerRun composes them; every decision, the
 * state it leaves (accumulated change, transformation rate, output norm) and every reused output
 * must match the reference.
 */
class CacheReferenceTraceTest {
    private static final Kernels K = Devices.cpu().kernels();
    private static final double STATE_TOLERANCE = 1e-5;   // float32 means in the reference, double sums here
    private static final double OUTPUT_TOLERANCE = 1e-6;   // relative to the tensor's largest magnitude

    private static SafeTensorsFile inputs;
    private static JsonNode trace;

    @BeforeAll
    static void open() throws IOException {
        Path dir = Path.of(System.getProperty("jcomfy.testdata"), "cache-traces");
        inputs = SafeTensorsFile.open(dir.resolve("inputs.safetensors"));
        trace = new ObjectMapper().readTree(dir.resolve("decisions.json").toFile());
    }

    @AfterAll
    static void close() {
        inputs.close();
    }

    /** Row {@code i} of the recorded tensor {@code name} (stacked by step), in its own shape. */
    private static Tensor row(String name, int i) {
        Tensor all = inputs.tensor(name).toF32();
        long[] shape = all.shape();
        long[] rowShape = Arrays.copyOfRange(shape, 1, shape.length);
        int n = Math.toIntExact(Arrays.stream(rowShape).reduce(1, Math::multiplyExact));
        return Tensor.of(Arrays.copyOfRange(all.toFloatArray(), i * n, (i + 1) * n), rowShape);
    }

    private static float[] sigmas(String name) {
        return inputs.tensor(name).toF32().toFloatArray();
    }

    /** What one model call (or, for LazyCache, one sampler call) did: whether the model ran and what came back. */
    private record Observed(int step, String branch, boolean computed, Tensor output) {}

    /**
     * Runs the recorded steps through {@code policy} as KSamplerRun does: the policy's velocity wrapper
     * around the recorded model, inside CFG, inside the policy's denoiser wrapper. Returns the model
     * calls and, in {@code sampler}, the sampler calls; {@code afterStep} sees the run after each step.
     */
    private static List<Observed> replay(CachePolicy policy, List<Observed> sampler, java.util.function.BiConsumer<Integer, DenoisingRun> afterStep) {
        float[] sigmas = sigmas("sigmas");
        DenoisingRun run = new DenoisingRun(sigmas, FlowModelSampling.withShift(trace.get("shift").asDouble()));
        List<Observed> calls = new ArrayList<>();
        VelocityModel<String> recorded = (x, timestep, cond, call) -> {
            boolean[] ran = {false};
            Tensor out = policy.velocity(call, x, () -> {
                ran[0] = true;
                return row(cond, call.step());
            });
            calls.add(new Observed(call.step(), call.branch().name().toLowerCase(), ran[0], out));
            return out;
        };
        Denoiser denoiser = policy.denoiser(run,
                Cfg.guided(recorded, run.modelSampling(), "v_cond", "v_uncond", trace.get("cfg").asDouble(), run));
        for (int i = 0; i < run.steps(); i++) {
            int before = calls.size();
            Tensor out = denoiser.denoise(row("x", i), sigmas[i]);
            boolean modelRan = calls.subList(before, calls.size()).stream().anyMatch(Observed::computed);
            sampler.add(new Observed(i, "guided", modelRan, out));
            afterStep.accept(i, run);
            run.stepDone(i);
        }
        return calls;
    }

    private static void assertDecision(JsonNode expected, Observed seen, String where) {
        assertEquals(expected.get("computed").asBoolean(), seen.computed(), where + ": computed");
        if (!seen.computed()) assertClose(inputs.tensor(expected.get("output").asText()).toF32(), seen.output(), where);
    }

    private static void assertClose(Tensor expected, Tensor actual, String where) {
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        assertEquals(e.length, a.length, where + ": size");
        double scale = 0;
        for (float v : e) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++) {
            assertTrue(Math.abs(e[i] - a[i]) <= OUTPUT_TOLERANCE * scale, where + ": reused output [" + i + "] " + a[i] + " vs " + e[i]);
        }
    }

    private static void assertState(JsonNode expected, String key, Double actual, String where) {
        JsonNode v = expected.get(key);
        if (v.isNull()) {
            assertEquals(null, actual, where + ": " + key);
            return;
        }
        assertTrue(actual != null, where + ": " + key + " unset, expected " + v.asDouble());
        double e = v.asDouble();
        assertTrue(Math.abs(e - actual) <= STATE_TOLERANCE * Math.max(Math.abs(e), 1e-3), where + ": " + key + " " + actual + " vs " + e);
    }

    private static void checkEasyCache(JsonNode c, double threshold) {
        EasyCache policy = new EasyCache(threshold, c.get("start_percent").asDouble(), c.get("end_percent").asDouble());
        JsonNode expected = c.get("calls");
        List<Observed> calls = replay(policy, new ArrayList<>(), (step, run) -> {
            // ComfyUI's batched call leaves its state after both halves: compare after the step's uncond call.
            EasyCache.State s = run.existingRunState(policy, EasyCache.State.class);
            JsonNode e = expected.get(2 * step + 1);
            String where = policy + " step " + step;
            assertState(e, "cumulative", s == null ? 0.0 : s.cumulative, where);
            assertState(e, "rate", s == null ? null : s.relativeRate, where);
            assertState(e, "norm", s == null ? null : s.outputNorm, where);
        });
        assertEquals(expected.size(), calls.size());
        for (int i = 0; i < calls.size(); i++) {
            Observed seen = calls.get(i);
            JsonNode e = expected.get(i);
            assertEquals(e.get("step").asInt(), seen.step());
            assertEquals(e.get("branch").asText(), seen.branch());
            assertDecision(e, seen, policy + " step " + seen.step() + " " + seen.branch());
        }
    }

    private static void checkLazyCache(JsonNode c, double threshold) {
        LazyCache policy = new LazyCache(threshold, c.get("start_percent").asDouble(), c.get("end_percent").asDouble());
        JsonNode expected = c.get("calls");
        List<Observed> sampler = new ArrayList<>();
        replay(policy, sampler, (step, run) -> {
            LazyCache.State s = run.existingRunState(policy, LazyCache.State.class);
            String where = policy + " step " + step;
            assertState(expected.get(step), "cumulative", s == null ? 0.0 : s.cumulative, where);
            assertState(expected.get(step), "rate", s == null ? null : s.relativeRate, where);
            assertState(expected.get(step), "norm", s == null ? null : s.outputNorm, where);
        });
        assertEquals(expected.size(), sampler.size());
        for (int i = 0; i < sampler.size(); i++) assertDecision(expected.get(i), sampler.get(i), policy + " step " + i);
    }

    /** Stand-in blocks: the recorded indicator of the step, and a record of whether any block ran. */
    private static final class IndicatorBlocks implements BlockLoop.Blocks {
        Tensor indicator;
        boolean ran;

        @Override public int count() { return 2; }

        @Override public Kernels kernels() { return K; }

        @Override public Tensor timeEmbedding() { return indicator; }

        @Override public Tensor timeModulation() { return indicator; }

        @Override
        public Tensor compute(int i, Tensor h, BlockLoop.SelfAttention selfAttention) {
            ran = true;
            return K.add(h, Tensor.of(new float[] {i + 1f}, 1));
        }
    }

    private static void checkTeaCache(JsonNode c, double threshold) {
        boolean e0 = c.get("mode").asText().equals("e0");
        TeaCache policy = new TeaCache(threshold, e0, TeaCache.coefficients(c.get("model").asText(), e0),
                c.get("start_step").asInt(), c.get("end_step").asInt());
        JsonNode expected = c.get("calls");
        int steps = expected.size() / 2;
        float[] sigmas = new float[steps + 1];
        for (int i = 0; i <= steps; i++) sigmas[i] = 1f - (float) i / steps;
        DenoisingRun run = new DenoisingRun(sigmas, FlowModelSampling.wanDefault());
        IndicatorBlocks blocks = new IndicatorBlocks();
        int n = 0;
        for (int s = 0; s < steps; s++) {
            blocks.indicator = row(c.get("indicators").asText(), s);
            for (GuidanceBranch branch : List.of(GuidanceBranch.COND, GuidanceBranch.UNCOND)) {
                JsonNode e = expected.get(n++);
                String where = policy + " step " + s + " " + branch;
                assertEquals(e.get("branch").asText(), branch.name().toLowerCase());
                blocks.ran = false;
                policy.blockLoop(run.call(branch, sigmas[s])).run(Tensor.of(new float[] {0f}, 1), blocks);
                assertEquals(e.get("computed").asBoolean(), blocks.ran, where + ": computed");
                assertState(e, "accumulated", run.existingState(branch, policy, TeaCache.State.class).accumulated, where);
            }
            run.stepDone(s);
        }
    }

    @Test
    void easycache_decides_as_comfyui_on_the_recorded_run() {
        for (JsonNode c : trace.get("easycache")) checkEasyCache(c, c.get("threshold").asDouble());
    }

    @Test
    void lazycache_decides_as_comfyui_on_the_recorded_run() {
        for (JsonNode c : trace.get("lazycache")) checkLazyCache(c, c.get("threshold").asDouble());
    }

    @Test
    void teacache_decides_as_the_wan_port_on_the_recorded_run() {
        for (JsonNode c : trace.get("teacache")) checkTeaCache(c, c.get("threshold").asDouble());
    }

    /**
     * Two thresholds that must change a decision of case {@code c}: just above the smallest value
     * that made a call compute (that call now reuses), and just below the largest value that let a
     * call reuse (that call now computes).
     */
    private static double[] flippingThresholds(JsonNode c) {
        double computedMin = Double.POSITIVE_INFINITY, reusedMax = Double.NEGATIVE_INFINITY;
        for (JsonNode call : c.get("calls")) {
            if (call.get("compared").isNull()) continue;
            double v = call.get("compared").asDouble();
            if (call.get("computed").asBoolean()) computedMin = Math.min(computedMin, v);
            else reusedMax = Math.max(reusedMax, v);
        }
        assertTrue(Double.isFinite(computedMin) && Double.isFinite(reusedMax), "case reuses and computes after comparing: " + c);
        return new double[] {computedMin * 1.001, reusedMax * 0.999};
    }

    @Test
    void the_traces_tell_a_perturbed_threshold_apart() {
        for (JsonNode c : trace.get("easycache")) {
            for (double t : flippingThresholds(c)) assertThrows(AssertionFailedError.class, () -> checkEasyCache(c, t));
        }
        for (JsonNode c : trace.get("lazycache")) {
            for (double t : flippingThresholds(c)) assertThrows(AssertionFailedError.class, () -> checkLazyCache(c, t));
        }
        for (JsonNode c : trace.get("teacache")) {
            for (double t : flippingThresholds(c)) assertThrows(AssertionFailedError.class, () -> checkTeaCache(c, t));
        }
    }
}
