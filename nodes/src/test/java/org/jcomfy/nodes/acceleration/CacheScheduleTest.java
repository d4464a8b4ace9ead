package org.jcomfy.nodes.acceleration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.BlockLoop;
import org.jcomfy.nodes.sampling.FlowModelSampling;
import org.jcomfy.nodes.models.DenoisingRun;
import org.jcomfy.nodes.models.GuidanceBranch;
import org.jcomfy.nodes.models.ModelCall;
import org.junit.jupiter.api.Test;

/**
 * Which steps and blocks each cache computes, against MindIE SD's published semantics
 * (spec/ANCHORS.md §3), on a stand-in block stack that records what it is asked to compute.
 */
class CacheScheduleTest {
    private static final Kernels K = Devices.cpu().kernels();

    /** A stack of {@code count} blocks, block i adding i + 1; records "step:block" and "step:sa<block>". */
    private static final class RecordingBlocks implements BlockLoop.Blocks {
        final int count;
        final List<String> computed = new ArrayList<>();
        int step;
        float timeEmbedding = 1f;

        RecordingBlocks(int count) { this.count = count; }

        @Override public int count() { return count; }

        @Override public Kernels kernels() { return K; }

        @Override public Tensor timeEmbedding() { return Tensor.of(new float[] {timeEmbedding}, 1, 1); }

        @Override public Tensor timeModulation() { return Tensor.of(new float[] {timeEmbedding}, 1, 1, 1); }

        @Override
        public Tensor compute(int i, Tensor h, BlockLoop.SelfAttention selfAttention) {
            computed.add(step + ":" + i);
            Supplier<Tensor> sa = () -> {
                computed.add(step + ":sa" + i);
                return Tensor.of(new float[] {i + 1}, 1);
            };
            return K.add(h, selfAttention.of(i, sa));
        }
    }

    /** Runs {@code steps} steps of one branch through {@code policy}; returns the outputs per step. */
    private static float[] run(CachePolicy policy, int steps, RecordingBlocks blocks) {
        float[] sigmas = new float[steps + 1];
        for (int i = 0; i <= steps; i++) sigmas[i] = 1f - (float) i / steps;
        DenoisingRun run = new DenoisingRun(sigmas, FlowModelSampling.wanDefault());
        float[] out = new float[steps];
        for (int s = 0; s < steps; s++) {
            blocks.step = s;
            ModelCall call = run.call(GuidanceBranch.COND, sigmas[s]);
            out[s] = policy.blockLoop(call).run(Tensor.of(new float[] {0f}, 1), blocks).getFloat(0);
            run.stepDone(s);
        }
        return out;
    }

    @Test
    void dit_block_cache_with_mindie_defaults_refreshes_before_20_then_every_second_step_and_after_47() {
        CacheSchedule c = new DitBlockCache(20, 2, 47, 10, 30).schedule();
        List<Integer> reused = IntStream.range(0, 50).filter(c::reuses).boxed().toList();
        assertEquals(IntStream.iterate(21, s -> s <= 47, s -> s + 2).boxed().toList(), reused);
        assertTrue(c.activeFor(50));
        assertFalse(new CacheSchedule(20, 1, 47, 10, 30).activeFor(50), "interval 1 disables it (MindIE's CacheAgent)");
        assertFalse(c.activeFor(20), "step_start at or past the steps disables it");
        assertFalse(new CacheSchedule(0, 2, 47, 5, 5).activeFor(50), "an empty block range disables it");
    }

    @Test
    void dit_block_cache_skips_exactly_the_block_range_on_reuse_steps_and_adds_the_stored_residual() {
        RecordingBlocks blocks = new RecordingBlocks(5);
        float[] out = run(new DitBlockCache(2, 2, 7, 1, 4), 8, blocks);
        // Every step computes blocks 0 and 4; blocks 1..3 only on refresh steps 0, 1, 2, 4, 6 (reuse 3, 5, 7).
        for (int s = 0; s < 8; s++) {
            boolean reuse = s == 3 || s == 5 || s == 7;
            for (int b = 0; b < 5; b++) {
                boolean inRange = b >= 1 && b < 4;
                assertEquals(!(reuse && inRange), blocks.computed.contains(s + ":" + b), "step " + s + " block " + b);
            }
        }
        // The blocks add 1..5 = 15; a reuse step adds the stored residual 2 + 3 + 4 instead: same value.
        for (float v : out) assertEquals(15f, v);
    }

    @Test
    void attention_cache_reuses_self_attention_inside_step_start_to_step_end_off_the_interval() {
        CacheSchedule c = new AttentionCache(20, 2, 47, 10, 30).schedule();
        List<Integer> reused = IntStream.range(0, 50).filter(c::reuses).boxed().toList();
        assertEquals(IntStream.iterate(21, s -> s <= 47, s -> s + 2).boxed().toList(), reused);

        RecordingBlocks blocks = new RecordingBlocks(4);
        run(new AttentionCache(1, 3, 6, 1, 3), 8, blocks);
        // Reuse steps: 2, 3, 5, 6 (s > 1, s <= 6, (s - 1) % 3 != 0); every block itself always runs.
        for (int s = 0; s < 8; s++) {
            boolean reuse = s == 2 || s == 3 || s == 5 || s == 6;
            for (int b = 0; b < 4; b++) {
                assertTrue(blocks.computed.contains(s + ":" + b));
                boolean inRange = b >= 1 && b < 3;
                assertEquals(!(reuse && inRange), blocks.computed.contains(s + ":sa" + b), "step " + s + " block " + b);
            }
        }
    }

    @Test
    void the_extra_evaluations_of_two_stage_samplers_always_compute() {
        RecordingBlocks blocks = new RecordingBlocks(3);
        DitBlockCache cache = new DitBlockCache(0, 2, 9, 0, 3);
        DenoisingRun run = new DenoisingRun(new float[] {1f, 0.75f, 0.5f, 0.25f, 0f}, FlowModelSampling.wanDefault());
        for (int s = 0; s < 4; s++) {
            blocks.step = s;
            for (int evaluation = 0; evaluation < 2; evaluation++) {
                ModelCall call = run.call(GuidanceBranch.COND, 0.5);
                assertEquals(evaluation, call.evaluation());
                assertEquals(s, call.step());
                cache.blockLoop(call).run(Tensor.of(new float[] {0f}, 1), blocks);
            }
            run.stepDone(s);
        }
        // Step 1 and 3 reuse on their first evaluation: 3 blocks each skipped once.
        assertEquals(4 * 2 * 3 - 2 * 3, blocks.computed.stream().filter(e -> !e.contains("sa")).count());
    }

    @Test
    void each_guidance_branch_keeps_its_own_residual() {
        DitBlockCache cache = new DitBlockCache(0, 2, 9, 0, 1);
        DenoisingRun run = new DenoisingRun(new float[] {1f, 0.5f, 0f}, FlowModelSampling.wanDefault());
        RecordingBlocks blocks = new RecordingBlocks(1);
        // Step 0 stores cond's residual (1) from input 0, uncond's from input 10: both 1, kept apart.
        cache.blockLoop(run.call(GuidanceBranch.COND, 1)).run(Tensor.of(new float[] {0f}, 1), blocks);
        cache.blockLoop(run.call(GuidanceBranch.UNCOND, 1)).run(Tensor.of(new float[] {10f}, 1), blocks);
        run.stepDone(0);
        DitBlockCache.State cond = run.state(GuidanceBranch.COND, cache, DitBlockCache.State::new);
        DitBlockCache.State uncond = run.state(GuidanceBranch.UNCOND, cache, DitBlockCache.State::new);
        assertTrue(cond != uncond);
        assertEquals(1f, cond.residual.getFloat(0));
        assertEquals(1f, uncond.residual.getFloat(0));
        assertEquals(1, cond.counts.computedCalls());
    }

    @Test
    void easycache_and_lazycache_windows_compare_sigmas_in_float32_as_comfyui_does() {
        // Wan (shift 8), 20 simple steps: steps 3 and 19 sit exactly on percent_to_sigma(0.15) and (0.95) in float32,
        // and a step 1 ulp above in double: ComfyUI's float32 tensor comparison puts step 3 inside, step 19 past the end.
        FlowModelSampling ms = FlowModelSampling.wanDefault();
        float step3 = ms.sigma(850f), step19 = ms.sigma(50f);
        assertTrue(step3 > ms.percentToSigma(0.15) && step19 > ms.percentToSigma(0.95), "the double comparison differs");
        SigmaWindow window = SigmaWindow.of(ms, 0.15, 0.95);
        assertTrue(window.started(step3));
        assertTrue(window.pastEnd(step19));
        assertFalse(window.started(ms.sigma(851f)) || window.pastEnd(ms.sigma(51f)));
    }

    @Test
    void teacache_skips_while_the_rescaled_relative_l1_change_of_e_accumulates_under_the_threshold() {
        // Rescaling d -> d, threshold 0.25; e per step 1.0, 1.1, 1.2, 1.3, 1.31, 1.4.
        // d: -, 0.1, 0.091 (sum 0.191: skip), 0.083 (sum 0.274: compute, restart), 0.0077 (skip); the last step computes.
        TeaCache cache = new TeaCache(0.25, false, new double[] {1.0, 0.0}, 0, -1);
        float[] e = {1.0f, 1.1f, 1.2f, 1.3f, 1.31f, 1.4f};
        RecordingBlocks blocks = new RecordingBlocks(2);
        DenoisingRun run = new DenoisingRun(new float[] {1f, 0.8f, 0.6f, 0.4f, 0.3f, 0.2f, 0f}, FlowModelSampling.wanDefault());
        List<Integer> computedSteps = new ArrayList<>();
        for (int s = 0; s < e.length; s++) {
            blocks.step = s;
            blocks.timeEmbedding = e[s];
            int before = blocks.computed.size();
            cache.blockLoop(run.call(GuidanceBranch.COND, 0.5)).run(Tensor.of(new float[] {0f}, 1), blocks);
            if (blocks.computed.size() > before) computedSteps.add(s);
            run.stepDone(s);
        }
        assertEquals(List.of(0, 3, 5), computedSteps);
        assertTrue(cache.forced(0, 6) && cache.forced(5, 6) && !cache.forced(4, 6));
        TeaCache e0 = new TeaCache(0.25, true, TeaCache.coefficients("1.3B", true), 0, -1);
        assertTrue(e0.forced(4, 50) && !e0.forced(5, 50) && !e0.forced(49, 50), "e0 mode: the first 5 steps, no tail");
        TeaCache window = new TeaCache(0.25, false, new double[] {1.0, 0.0}, 10, 20);
        assertTrue(window.forced(9, 50) && !window.forced(10, 50) && window.forced(21, 50));
    }
}
