package org.jcomfy.nodes.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Scheduler outputs against torch's float32 evaluation of ComfyUI's formulas (tools/make_schedule_testdata.py). */
class SchedulersTest {
    /** Schedulers that go through a transcendental torch kernel (SLEEF pow/exp/tan): allowed 1 ulp. */
    private static final Set<String> ONE_ULP = Set.of("karras", "exponential", "kl_optimal");

    @Test
    void every_scheduler_matches_torch_for_shifts_8_5_3_1_and_many_step_counts() throws Exception {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/sampling/schedules.json")) {
            root = new ObjectMapper().readTree(in);
        }
        List<String> problems = new ArrayList<>();
        int exact = 0;
        int total = 0;
        for (JsonNode c : root.get("cases")) {
            FlowModelSampling ms = FlowModelSampling.withShift(c.get("shift").asDouble());
            String name = c.get("scheduler").asText();
            int steps = c.get("steps").asInt();
            float[] got = name.equals("table") ? ms.sigmaTable() : Schedulers.sigmas(name, ms, steps);
            JsonNode want = c.get("sigmas");
            String label = name + " shift " + c.get("shift").asDouble() + " steps " + steps;
            if (got.length != want.size()) {
                problems.add(label + ": length " + got.length + " want " + want.size());
                continue;
            }
            for (int i = 0; i < got.length; i++) {
                float w = (float) want.get(i).asDouble();
                total++;
                if (got[i] == w) {
                    exact++;
                    continue;
                }
                float ulps = Math.abs(got[i] - w) / Math.ulp(w);
                if (!ONE_ULP.contains(name) || ulps > 1.0f) {
                    problems.add(label + " [" + i + "] got " + got[i] + " want " + w);
                }
            }
        }
        assertEquals(List.of(), problems.subList(0, Math.min(problems.size(), 20)), problems.size() + " problems");
        System.out.println("schedulers: " + exact + " of " + total + " sigmas bit-exact, the rest within 1 ulp");
    }

    @Test
    void simple_schedule_for_shift_8_and_20_steps_is_the_spec_test_vector() {
        float[] s = Schedulers.sigmas("simple", FlowModelSampling.wanDefault(), 20);
        double[] spec = {1.0, .993464, .986301, .978417, .969697, .96, .949153, .936937, .923077, .907216,
            .888889, .86747, .842105, .811594, .774194, .727273, .666667, .585366, .470588, .296296, 0};
        for (int i = 0; i < spec.length; i++) {
            assertEquals(spec[i], s[i], 1e-6, "sigma " + i);
        }
    }

    @Test
    void wan_default_sigma_min_is_the_spec_value_and_sigma_max_is_one() {
        FlowModelSampling ms = FlowModelSampling.wanDefault();
        assertEquals(0.0079444, ms.sigmaMin(), 1e-7);
        assertEquals(1.0f, ms.sigmaMax());
        assertEquals(1000.0, ms.timestep(1.0));
    }

    @Test
    void every_listed_scheduler_ends_at_zero_and_descends() {
        FlowModelSampling ms = FlowModelSampling.withShift(5);
        for (String name : Schedulers.NAMES) {
            float[] s = Schedulers.sigmas(name, ms, 12);
            assertEquals(0f, s[s.length - 1], name);
            for (int i = 1; i < s.length; i++) {
                org.junit.jupiter.api.Assertions.assertTrue(s[i] < s[i - 1], name + " at " + i);
            }
        }
    }

    @Test
    void an_unknown_scheduler_is_refused_with_the_known_names() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Schedulers.sigmas("cosine", FlowModelSampling.wanDefault(), 10));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("kl_optimal"));
    }

    @Test
    void torch_linspace_rounding_is_reproduced_for_a_vectorised_length() {
        // torch.linspace(1000., 7.944, 20) values as float32 (checked against torch 1.13 by the schedule data).
        float[] l = TorchLinspace.of(1000f, 7.944f, 20);
        assertEquals(1000f, l[0]);
        assertEquals(7.944f, l[19]);
        assertArrayEquals(l, TorchLinspace.of(1000f, 7.944f, 20));
    }
}
