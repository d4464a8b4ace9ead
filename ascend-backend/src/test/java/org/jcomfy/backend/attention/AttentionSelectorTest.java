package org.jcomfy.backend.attention;

import static org.jcomfy.backend.attention.AttentionTestData.random;
import static org.jcomfy.backend.tensor.TensorMetrics.relativeL2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jcomfy.backend.attention.TestImplementations.Counting;
import org.jcomfy.backend.attention.TestImplementations.Failing;
import org.jcomfy.backend.kernels.ReferenceKernels;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.threads.CpuThreads;
import org.junit.jupiter.api.Test;

class AttentionSelectorTest {
    private static final CpuThreads THREADS = new CpuThreads(2);
    private static final AttentionImplementation FLASH = new FlashAttention(16, 64, THREADS);
    private static final AttentionImplementation NAIVE = new NaiveAttention(1 << 24, THREADS);

    private final Tensor q = random(1, 1, 1, 12, 2, 8);
    private final Tensor k = random(2, 1, 1, 20, 2, 8);
    private final Tensor v = random(3, 1, 1, 20, 2, 8);
    private final Tensor expected = new ReferenceKernels().attention(q, k, v, null, 0.35f);
    private final AttentionShape shape = AttentionShape.of(q, k, v, null);

    private void assertCorrect(Tensor out) {
        assertTrue(relativeL2(out, expected) <= 1e-5, "relative L2 " + relativeL2(out, expected));
    }

    @Test
    void manual_mode_runs_the_named_implementation_and_remembers_it() {
        Counting a = new Counting("a", FLASH), b = new Counting("b", NAIVE);
        AttentionSelector selector = AttentionSelector.manual("b", List.of(a, b));
        assertCorrect(selector.attention(q, k, v, null, 0.35f));
        assertCorrect(selector.attention(q, k, v, null, 0.35f));
        assertEquals(0, a.calls.get());
        assertEquals(2, b.calls.get());
        AttentionChoice choice = selector.choices().get(shape);
        assertEquals("b", choice.implementation());
        assertEquals(AttentionSelector.Mode.MANUAL, choice.mode());
    }

    @Test
    void manual_mode_falls_back_to_the_next_implementation_when_the_named_one_throws() {
        Failing broken = new Failing("broken");
        Counting good = new Counting("good", FLASH);
        AttentionSelector selector = AttentionSelector.manual("broken", List.of(broken, good));
        assertCorrect(selector.attention(q, k, v, null, 0.35f));
        assertCorrect(selector.attention(q, k, v, null, 0.35f));
        assertEquals(1, broken.calls.get(), "a failing implementation is tried once per shape");
        AttentionChoice choice = selector.choiceFor(shape).orElseThrow();
        assertEquals("good", choice.implementation());
        assertTrue(choice.failures().get("broken").contains("cannot run"), choice.failures().toString());
    }

    @Test
    void naming_an_unknown_implementation_is_refused_up_front() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AttentionSelector.manual("nope", List.of(FLASH, NAIVE)));
        assertTrue(e.getMessage().contains("[flash, naive]"), e.getMessage());
    }

    @Test
    void static_mode_follows_the_first_matching_rule() {
        Counting small = new Counting("small", NAIVE), large = new Counting("large", FLASH);
        AttentionSelector selector = AttentionSelector.staticRules(
                List.of(AttentionRule.scoresAtMost(12 * 20, "small"), AttentionRule.always("large")), List.of(large, small));
        assertCorrect(selector.attention(q, k, v, null, 0.35f));
        assertEquals(1, small.calls.get());
        assertEquals(0, large.calls.get());

        Tensor longQ = random(4, 1, 1, 13, 2, 8);
        Tensor out = selector.attention(longQ, k, v, null, 0.35f);
        assertTrue(relativeL2(out, new ReferenceKernels().attention(longQ, k, v, null, 0.35f)) <= 1e-5);
        assertEquals(1, large.calls.get());
        assertEquals("large", selector.choiceFor(AttentionShape.of(longQ, k, v, null)).orElseThrow().implementation());
        assertTrue(selector.choiceFor(shape).orElseThrow().reason().contains("Sq*Sk <= 240"));
    }

    @Test
    void static_mode_skips_a_rule_whose_implementation_does_not_support_the_shape() {
        Counting picky = new Counting("picky", NAIVE, s -> s.queryLength() > 1000, 0);
        Counting other = new Counting("other", FLASH);
        AttentionSelector selector = AttentionSelector.staticRules(List.of(AttentionRule.always("picky")), List.of(picky, other));
        assertCorrect(selector.attention(q, k, v, null, 0.35f));
        assertEquals(0, picky.calls.get());
        assertEquals("other", selector.choiceFor(shape).orElseThrow().implementation());
    }

    @Test
    void runtime_mode_times_every_candidate_once_per_shape_and_keeps_the_fastest() {
        Counting fast = new Counting("fast", FLASH);
        Counting slow = new Counting("slow", NAIVE, s -> true, 50);
        AttentionSelector selector = AttentionSelector.runtime(List.of(slow, fast), 1, 3);
        List<AttentionChoice> reported = new ArrayList<>();
        selector.onChoice(reported::add);

        assertCorrect(selector.attention(q, k, v, null, 0.35f));
        assertEquals(4, fast.calls.get(), "1 warm-up + 3 timed");
        assertEquals(4, slow.calls.get(), "1 warm-up + 3 timed");
        assertEquals(1, reported.size());
        AttentionChoice choice = reported.get(0);
        assertEquals("fast", choice.implementation());
        assertEquals(List.of("slow", "fast"), List.copyOf(choice.timingsNanos().keySet()));
        assertTrue(choice.timingsNanos().get("slow") >= 50_000_000L, choice.describe());

        assertCorrect(selector.attention(q, k, v, null, 0.35f));
        assertEquals(5, fast.calls.get(), "a known shape runs only the remembered choice");
        assertEquals(4, slow.calls.get());
        assertEquals(1, reported.size(), "the choice is reported once");
        assertEquals(choice, selector.choices().get(shape));
    }

    @Test
    void runtime_mode_skips_a_failing_candidate_and_reports_why() {
        Failing broken = new Failing("broken");
        Counting good = new Counting("good", FLASH);
        AttentionSelector selector = AttentionSelector.runtime(List.of(broken, good), 1, 2);
        assertCorrect(selector.attention(q, k, v, null, 0.35f));
        AttentionChoice choice = selector.choiceFor(shape).orElseThrow();
        assertEquals("good", choice.implementation());
        assertEquals(List.of("good"), List.copyOf(choice.timingsNanos().keySet()));
        assertTrue(choice.failures().containsKey("broken"));
        assertTrue(choice.describe().contains("broken failed"), choice.describe());
        assertCorrect(selector.attention(q, k, v, null, 0.35f));
        assertEquals(1, broken.calls.get(), "not tried again for a known shape");
    }

    @Test
    void runtime_mode_does_not_time_a_shape_only_one_candidate_supports() {
        Counting everywhere = new Counting("everywhere", FLASH);
        Counting shortOnly = new Counting("short-only", NAIVE, s -> s.keyLength() < 10, 0);
        AttentionSelector selector = AttentionSelector.runtime(List.of(shortOnly, everywhere), 1, 3);
        assertCorrect(selector.attention(q, k, v, null, 0.35f));
        assertEquals(1, everywhere.calls.get());
        assertEquals(0, shortOnly.calls.get());
        AttentionChoice choice = selector.choiceFor(shape).orElseThrow();
        assertEquals("everywhere", choice.implementation());
        assertTrue(choice.timingsNanos().isEmpty());
        assertEquals("does not support this shape", choice.failures().get("short-only"));
    }

    @Test
    void concurrent_first_calls_of_one_shape_all_get_correct_results_and_one_remembered_choice() throws Exception {
        AttentionSelector selector = AttentionSelector.runtime(List.of(FLASH, NAIVE), 0, 1);
        List<AttentionChoice> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
        selector.onChoice(reported::add);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            List<java.util.concurrent.Future<Tensor>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) results.add(pool.submit(() -> selector.attention(q, k, v, null, 0.35f)));
            for (var result : results) assertCorrect(result.get());
        }
        assertEquals(1, selector.choices().size());
        assertEquals(1, reported.size(), "a choice made twice by racing threads is reported once");
    }

    @Test
    void a_new_shape_is_timed_again_while_known_shapes_keep_their_choice() {
        Counting a = new Counting("a", FLASH), b = new Counting("b", NAIVE);
        AttentionSelector selector = AttentionSelector.runtime(List.of(a, b), 0, 1);
        selector.attention(q, k, v, null, 0.35f);
        Tensor bias = random(5, 1, 1, 2, 12, 20);
        selector.attention(q, k, v, bias, 0.35f);
        assertEquals(2, selector.choices().size(), "a bias makes a different shape key");
        assertEquals(2, a.calls.get());
        assertEquals(2, b.calls.get());
    }

    @Test
    void when_every_candidate_fails_the_error_names_each_of_them() {
        AttentionSelector selector = AttentionSelector.runtime(List.of(new Failing("x"), new Failing("y")), 0, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> selector.attention(q, k, v, null, 1f));
        assertTrue(e.getMessage().contains("every implementation failed"), e.getMessage());
        assertTrue(e.getMessage().contains("x=") && e.getMessage().contains("y="), e.getMessage());
        assertEquals(2, e.getSuppressed().length);
        assertTrue(selector.choices().isEmpty());
    }

    @Test
    void wrong_shapes_are_the_callers_error_and_no_candidate_runs() {
        Counting a = new Counting("a", FLASH);
        AttentionSelector selector = AttentionSelector.runtime(List.of(a));
        Tensor badV = random(6, 1, 1, 19, 2, 8);
        assertThrows(IllegalArgumentException.class, () -> selector.attention(q, k, badV, null, 1f));
        assertEquals(0, a.calls.get());
    }

    @Test
    void a_setting_string_builds_each_mode_over_the_shipped_implementations() {
        assertEquals(AttentionSelector.Mode.RUNTIME, AttentionSelector.fromSetting("runtime", THREADS).mode());
        assertEquals(AttentionSelector.Mode.STATIC, AttentionSelector.fromSetting("static", THREADS).mode());
        AttentionSelector manual = AttentionSelector.fromSetting("manual:naive", THREADS);
        assertEquals(AttentionSelector.Mode.MANUAL, manual.mode());
        assertCorrect(manual.attention(q, k, v, null, 0.35f));
        assertEquals("naive", manual.choiceFor(shape).orElseThrow().implementation());
        assertThrows(IllegalArgumentException.class, () -> AttentionSelector.fromSetting("fastest", THREADS));
    }
}
