package org.jcomfy.nodes.acceleration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorMetrics;
import org.jcomfy.nodes.models.BlockLoop;
import org.jcomfy.nodes.models.DenoisingRun;
import org.jcomfy.nodes.models.GuidanceBranch;
import org.jcomfy.nodes.sampling.Denoiser;
import org.jcomfy.nodes.sampling.FlowModelSampling;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * EasyCache, LazyCache and TeaCache decide on a recorded sequence of inputs as an independent Python
 * re-implementation of the published rules does ({@code tools/make_cache_traces.py}: ComfyUI's
 * {@code nodes_easycache.py}, the official TeaCache4Wan2.1 port; data in {@code testdata/cache-traces/}).
 * Each policy runs through its real entry point on a real {@link DenoisingRun}; the model is the
 * recording. Per call the test checks the decision, the state the rule keeps (for a reused call
 * that is the accumulated value it compared) and, for reused calls, the output returned.
 */
class CacheReferenceTraceTest {
    private static final Path DIR = Path.of(System.getProperty("jcomfy.testdata"), "cache-traces");
    private static final Kernels K = Devices.cpu().kernels();
    /** The trace is float32 arithmetic, jcomfy's measures are double: relative agreement to expect. */
    private static final double VALUE_TOLERANCE = 1e-5;
    private static final double OUTPUT_TOLERANCE = 1e-6;

    private static JsonNode trace;
    private static final Map<String, Tensor> inputs = new HashMap<>();

    @BeforeAll
    static void load() throws IOException {
        trace = new ObjectMapper().readTree(DIR.resolve("trace.json").toFile());
        try (SafeTensorsFile in = SafeTensorsFile.open(DIR.resolve(trace.get("inputs").asText()))) {
            for (String name : in.names()) inputs.put(name, in.tensor(name).toF32().copy());
        }
    }

    private static Stream<JsonNode> configurations(String method) {
        return StreamSupport.stream(trace.get(method).spliterator(), false);
    }

    /** Each configuration of {@code method}, named by its settings. */
    private static Stream<Arguments> named(String method, String... settings) {
        return configurations(method).map(run -> {
            StringBuilder name = new StringBuilder();
            for (String s : settings) name.append(name.isEmpty() ? "" : ", ").append(s).append(' ').append(run.get(s).asText());
            return Arguments.of(name.toString(), run);
        });
    }

    static Stream<Arguments> easycache() { return named("easycache", "reuse_threshold", "start_percent", "end_percent"); }

    static Stream<Arguments> lazycache() { return named("lazycache", "reuse_threshold", "start_percent", "end_percent"); }

    static Stream<Arguments> teacache() { return named("teacache", "model", "mode", "rel_l1_thresh", "start_step", "end_step"); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("easycache")
    void easycache_decides_every_call_as_comfyui_does(String name, JsonNode run) {
        assertEquals(List.of(), replayEasyCache(run, run.get("reuse_threshold").asDouble()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lazycache")
    void lazycache_decides_every_call_as_comfyui_does(String name, JsonNode run) {
        assertEquals(List.of(), replayLazyCache(run, run.get("reuse_threshold").asDouble()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("teacache")
    void teacache_decides_every_call_as_the_wan_port_does(String name, JsonNode run) {
        String mode = run.get("mode").asText();
        double[] published = StreamSupport.stream(run.get("coefficients").spliterator(), false).mapToDouble(JsonNode::asDouble).toArray();
        assertArrayEquals(published, TeaCache.coefficients(run.get("model").asText(), mode.equals("e0")), "coefficients");
        assertEquals(List.of(), replayTeaCache(run, run.get("rel_l1_thresh").asDouble()));
    }

    /**
     * The trace can tell a wrong threshold apart: moving each configuration's threshold just past
     * the compared value nearest to it flips that call, and the replay reports it.
     */
    @Test
    void a_threshold_moved_past_the_nearest_compared_value_disagrees_with_the_trace() {
        configurations("easycache").forEach(r -> assertFalse(replayEasyCache(r, nudged(r, "steps", "reuse_threshold")).isEmpty()));
        configurations("lazycache").forEach(r -> assertFalse(replayLazyCache(r, nudged(r, "steps", "reuse_threshold")).isEmpty()));
        configurations("teacache").forEach(r -> assertFalse(replayTeaCache(r, nudged(r, "calls", "rel_l1_thresh")).isEmpty()));
    }

    /** The threshold just across the compared value nearest to the recorded one. */
    private static double nudged(JsonNode run, String rows, String thresholdField) {
        double threshold = run.get(thresholdField).asDouble();
        double nearest = StreamSupport.stream(run.get(rows).spliterator(), false).map(r -> r.get("compared"))
                .filter(c -> !c.isNull()).mapToDouble(JsonNode::asDouble)
                .boxed().min((a, b) -> Double.compare(Math.abs(a - threshold), Math.abs(b - threshold))).orElseThrow();
        // reused (nearest < threshold): a threshold below it computes; computed: a threshold above it reuses
        return nearest < threshold ? nearest * (1 - 1e-4) : nearest * (1 + 1e-4);
    }

    // ---- replays: each returns its disagreements with the trace, empty when it matches ------------

    private static List<String> replayEasyCache(JsonNode run, double threshold) {
        EasyCache policy = new EasyCache(threshold, run.get("start_percent").asDouble(), run.get("end_percent").asDouble());
        DenoisingRun denoising = newRun(inputs.get("sigmas").toFloatArray());
        Tensor outputs = inputs.get("easycache_outputs");
        Disagreements found = new Disagreements("EasyCache " + threshold);
        for (JsonNode step : run.get("steps")) {
            int i = step.get("step").asInt();
            Tensor x = inputs.get("x").select(i);
            double sigma = denoising.sigmas()[i];
            boolean reused = step.get("decision").asText().equals("reused");
            for (GuidanceBranch branch : GuidanceBranch.values()) {
                Tensor recorded = inputs.get(branch == GuidanceBranch.COND ? "v_cond" : "v_uncond").select(i);
                Model model = new Model(recorded);
                Tensor out = policy.velocity(denoising.call(branch, sigma), x, model);
                String where = "step " + i + " " + branch;
                found.decision(where, reused, model.ran);
                if (reused && !model.ran) {
                    found.output(where, out, outputs.select(step.get("outputs").get(branch.name().toLowerCase()).asInt()));
                }
            }
            denoising.stepDone(i);
            EasyCache.State state = denoising.existingRunState(policy, EasyCache.State.class);
            found.state("step " + i, step, state.cumulative, state.relativeRate, state.outputNorm);
        }
        return found.list;
    }

    private static List<String> replayLazyCache(JsonNode run, double threshold) {
        LazyCache policy = new LazyCache(threshold, run.get("start_percent").asDouble(), run.get("end_percent").asDouble());
        DenoisingRun denoising = newRun(inputs.get("sigmas").toFloatArray());
        Tensor outputs = inputs.get("lazycache_outputs");
        Disagreements found = new Disagreements("LazyCache " + threshold);
        Model[] model = new Model[1];
        Denoiser lazy = policy.denoiser(denoising, (x, sigma) -> model[0].get());
        for (JsonNode step : run.get("steps")) {
            int i = step.get("step").asInt();
            model[0] = new Model(inputs.get("guided").select(i));
            Tensor out = lazy.denoise(inputs.get("x").select(i), denoising.sigmas()[i]);
            denoising.stepDone(i);
            String where = "step " + i;
            boolean reused = step.get("decision").asText().equals("reused");
            found.decision(where, reused, model[0].ran);
            if (reused && !model[0].ran) found.output(where, out, outputs.select(step.get("output").asInt()));
            LazyCache.State state = denoising.existingRunState(policy, LazyCache.State.class);
            found.state(where, step, state.cumulative, state.relativeRate, state.outputNorm);
        }
        return found.list;
    }

    private static List<String> replayTeaCache(JsonNode run, double threshold) {
        String model = run.get("model").asText(), mode = run.get("mode").asText();
        TeaCache policy = new TeaCache(threshold, mode.equals("e0"), TeaCache.coefficients(model, mode.equals("e0")),
                run.get("start_step").asInt(), run.get("end_step").asInt());
        int steps = trace.get("teacache_steps").asInt();
        float[] sigmas = new float[steps + 1];
        for (int i = 0; i <= steps; i++) sigmas[i] = 1f - (float) i / steps;   // TeaCache counts steps only
        DenoisingRun denoising = newRun(sigmas);
        Tensor outputs = inputs.get("teacache_outputs");
        Disagreements found = new Disagreements("TeaCache " + model + "/" + mode + " " + threshold);
        for (JsonNode call : run.get("calls")) {
            int i = call.get("step").asInt();
            GuidanceBranch branch = GuidanceBranch.valueOf(call.get("branch").asText().toUpperCase());
            if (branch == GuidanceBranch.COND && i > 0) denoising.stepDone(i - 1);
            RecordedBlocks blocks = new RecordedBlocks(inputs.get("tea_" + model + "_e").select(i),
                    inputs.get("tea_" + model + "_e0").select(i), inputs.get("tea_blocks").select(i).select(branch.ordinal()));
            Tensor out = policy.blockLoop(denoising.call(branch, sigmas[i])).run(inputs.get("tea_hidden").select(i).select(branch.ordinal()), blocks);
            String where = "step " + i + " " + branch;
            boolean reused = call.get("decision").asText().equals("reused");
            found.decision(where, reused, blocks.ran);
            if (reused && !blocks.ran) found.output(where, out, outputs.select(call.get("output").asInt()));
            TeaCache.State state = denoising.existingState(branch, policy, TeaCache.State.class);
            found.value(where + " accumulated", state.accumulated, call.get("accumulated"));
        }
        return found.list;
    }

    private static DenoisingRun newRun(float[] sigmas) {
        return new DenoisingRun(sigmas, FlowModelSampling.withShift(trace.get("shift").asDouble()));
    }

    /** The recorded model output for one call; remembers whether the policy asked for it. */
    private static final class Model implements Supplier<Tensor> {
        private final Tensor recorded;
        boolean ran;

        Model(Tensor recorded) { this.recorded = recorded; }

        @Override
        public Tensor get() {
            ran = true;
            return recorded.copy();
        }
    }

    /** One block whose output is the recorded output of the whole stack for this call. */
    private static final class RecordedBlocks implements BlockLoop.Blocks {
        private final Tensor e, e0, output;
        boolean ran;

        RecordedBlocks(Tensor e, Tensor e0, Tensor output) {
            this.e = e;
            this.e0 = e0;
            this.output = output;
        }

        @Override public int count() { return 1; }

        @Override public Kernels kernels() { return K; }

        @Override public Tensor timeEmbedding() { return e; }

        @Override public Tensor timeModulation() { return e0; }

        @Override
        public Tensor compute(int i, Tensor h, BlockLoop.SelfAttention selfAttention) {
            ran = true;
            return output.copy();
        }
    }

    /** Collects where a replay disagrees with the trace, one line each. */
    private static final class Disagreements {
        final String policy;
        final List<String> list = new ArrayList<>();

        Disagreements(String policy) { this.policy = policy; }

        void decision(String where, boolean reused, boolean ran) {
            if (reused == ran) list.add(policy + " " + where + ": trace " + (reused ? "reused" : "computed") + ", jcomfy "
                    + (ran ? "computed" : "reused"));
        }

        void output(String where, Tensor actual, Tensor expected) {
            double rel = TensorMetrics.relativeL2(actual, expected);
            if (!(rel <= OUTPUT_TOLERANCE)) list.add(policy + " " + where + ": reused output differs, relative L2 " + rel);
        }

        /** EasyCache/LazyCache state after the call: on a reused call, cumulative is the value compared. */
        void state(String where, JsonNode step, double cumulative, Double k, Double outputNorm) {
            value(where + " cumulative", cumulative, step.get("cumulative"));
            if (step.get("decision").asText().equals("reused")) value(where + " compared", cumulative, step.get("compared"));
            value(where + " k", k, step.get("k"));
            value(where + " output_norm", outputNorm, step.get("output_norm"));
        }

        void value(String what, Double actual, JsonNode expected) {
            boolean same = expected.isNull() ? actual == null
                    : actual != null && Math.abs(actual - expected.asDouble()) <= VALUE_TOLERANCE * Math.abs(expected.asDouble()) + 1e-12;
            if (!same) list.add(policy + " " + what + ": trace " + expected + ", jcomfy " + actual);
        }
    }
}
