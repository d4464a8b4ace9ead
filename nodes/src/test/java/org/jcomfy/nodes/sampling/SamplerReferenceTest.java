package org.jcomfy.nodes.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorMetrics;
import org.junit.jupiter.api.Test;

/**
 * Sampler end results against torch float32 re-evaluations of ComfyUI's sampler code
 * (tools/make_sampler_testdata.py): same schedule, same seeded start noise, same Gaussian toy model, and for
 * euler_ancestral / lcm the same torch generator noise (seed + 1). Agreement at relative L2 1e-5.
 */
class SamplerReferenceTest {
    @Test
    void samplers_match_torch_reevaluations_of_comfyui_code() throws Exception {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/sampling/sampler_results.json")) {
            root = new ObjectMapper().readTree(in);
        }
        long[] shape = new long[root.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = root.get("shape").get(i).asLong();
        }
        double mu = root.get("mu").asDouble();
        double s = root.get("s").asDouble();
        Denoiser gaussian = SamplersTest.gaussianData(mu, s, new AtomicInteger());
        List<String> failures = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            String name = c.get("sampler").asText();
            int steps = c.get("steps").asInt();
            FlowModelSampling ms = FlowModelSampling.withShift(c.get("shift").asDouble());
            long seed = c.get("seed").asLong();
            float[] sigmas = KSamplerRun.schedule(ms, name, "simple", steps);
            float[] start = FlowModelSampling.noiseScaling(sigmas[0], Noise.prepare(seed, shape), new float[(int) Tensor.count(shape)]);
            SamplingTask task = new SamplingTask(gaussian, shape, sigmas, seed, ms, null);
            float[] out = Samplers.get(name).sample(task, start);
            out = FlowModelSampling.inverseNoiseScaling(task.sigmas()[sigmas.length - 1], out);
            JsonNode want = c.get("result");
            double[] wanted = new double[want.size()];
            for (int i = 0; i < wanted.length; i++) wanted[i] = want.get(i).asDouble();
            double rel = TensorMetrics.relativeL2(out, wanted);
            System.out.printf("%s %d steps: rel L2 %.2e vs torch%n", name, steps, rel);
            if (!(rel <= 1e-5)) {
                failures.add(name + " " + steps + " steps: " + rel);
            }
        }
        assertEquals(List.of(), failures);
    }
}
