package org.jcomfy.nodes.models.wan.dit;

import static org.jcomfy.nodes.models.wan.dit.WanTinyGolden.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.ActivationRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The DiT against the official implementation's float32 tensors (testdata/golden/wan-tiny). */
class WanDitGoldenTest {
    /** Golden tables that belong to the RoPE kernel's internals, not to a model step. */
    private static final Set<String> NOT_MODEL_STEPS = Set.of("rope_freqs_real_f64", "rope_freqs_imag_f64");
    /** Golden outputs of other runs, checked by their own tests below. */
    private static final Set<String> OTHER_RUNS = Set.of("output_t37", "output_uncond", "output_cfg5");

    private static WanDit.Loaded dit;
    private static SafeTensorsFile inputs;
    private static SafeTensorsFile golden;

    @BeforeAll
    static void open() {
        dit = WanDit.load(WanTinyGolden.WEIGHTS, WanTinyGolden.kernels());
        inputs = SafeTensorsFile.open(WanTinyGolden.INPUTS);
        golden = SafeTensorsFile.open(WanTinyGolden.ACTIVATIONS);
    }

    @AfterAll
    static void close() {
        dit.close();
        inputs.close();
        golden.close();
    }

    @Test
    void the_config_comes_from_the_shapes_and_the_config_metadata() {
        WanConfig c = dit.model().config();
        assertEquals(new WanConfig(128, 256, 32, 48, 16, 16, 16, 4, 2, new int[] {1, 2, 2}, 1e-6f, WanModelType.T2V, 0), c);
    }

    @Test
    void every_intermediate_and_the_output_match_the_official_model() {
        Map<String, Tensor> recorded = new LinkedHashMap<>();
        ActivationRecorder all = ActivationRecorder.into(recorded);
        dit.model().forward(inputs.tensor("x").batchOfOne(), timestep("t"), inputs.tensor("context").batchOfOne(), all);

        Set<String> compared = new TreeSet<>();
        for (String name : golden.names()) {
            if (NOT_MODEL_STEPS.contains(name) || OTHER_RUNS.contains(name)) continue;
            Tensor expected = golden.tensor(name);
            Tensor actual = recorded.get(name);
            assertTrue(actual != null, "the forward pass did not record '" + name + "'");
            if (name.equals("output")) expected = expected.batchOfOne();
            assertClose(name, actual, expected, WanTinyGolden.TOLERANCE);
            compared.add(name);
        }
        assertEquals(golden.names().size() - NOT_MODEL_STEPS.size() - OTHER_RUNS.size(), compared.size());
        assertTrue(compared.containsAll(Set.of("patch_tokens", "block0_q_rope", "block1_out", "head_out", "output")));
    }

    @Test
    void a_small_timestep_matches_the_official_output() {
        Tensor out = dit.model().forward(inputs.tensor("x").batchOfOne(), timestep("t_small"),
                inputs.tensor("context").batchOfOne());
        assertClose("output_t37", out, golden.tensor("output_t37").batchOfOne(), WanTinyGolden.TOLERANCE);
    }

    @Test
    void the_negative_context_and_classifier_free_guidance_match_the_official_outputs() {
        // Cond and uncond in one batch of 2: per-sample contexts of different lengths, padded to text_len.
        WanModel model = dit.model();
        Tensor x = inputs.tensor("x").batchOfOne();
        Tensor cond = model.forward(x, timestep("t"), inputs.tensor("context").batchOfOne());
        Tensor uncond = model.forward(x, timestep("t"), inputs.tensor("context_null").batchOfOne());
        assertClose("output", cond, golden.tensor("output").batchOfOne(), WanTinyGolden.TOLERANCE);
        assertClose("output_uncond", uncond, golden.tensor("output_uncond").batchOfOne(), WanTinyGolden.TOLERANCE);

        float g = inputs.tensor("guide_scale").getFloat(0);
        var k = WanTinyGolden.kernels();
        Tensor cfg = k.add(uncond, k.scale(k.sub(cond, uncond), g));
        assertClose("output_cfg5", cfg, golden.tensor("output_cfg5").batchOfOne(), WanTinyGolden.TOLERANCE);
    }

    @Test
    void a_batch_gives_each_sample_its_own_timestep_and_context() {
        var k = WanTinyGolden.kernels();
        Tensor x = inputs.tensor("x").batchOfOne();
        // Contexts of 7 and 5 rows padded to a common 7 (zero rows are what the model adds anyway).
        Tensor cond = inputs.tensor("context").batchOfOne();
        Tensor uncond = k.pad(inputs.tensor("context_null").batchOfOne(), new long[3], new long[] {0, 2, 0}, 0f);
        double t = timestep("t")[0], tSmall = timestep("t_small")[0];

        Tensor out = dit.model().forward(k.concat(List.of(x, x, x), 0), new double[] {t, t, tSmall},
                k.concat(List.of(cond, uncond, cond), 0));

        assertClose("sample 0", out.narrow(0, 1), golden.tensor("output").batchOfOne(), WanTinyGolden.TOLERANCE);
        assertClose("sample 1", out.narrow(1, 2), golden.tensor("output_uncond").batchOfOne(), WanTinyGolden.TOLERANCE);
        assertClose("sample 2", out.narrow(2, 3), golden.tensor("output_t37").batchOfOne(), WanTinyGolden.TOLERANCE);
    }

    private static double[] timestep(String name) {
        return new double[] {inputs.tensor(name).getDouble(0)};
    }
}
