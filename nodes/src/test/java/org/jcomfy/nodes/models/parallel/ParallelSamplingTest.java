package org.jcomfy.nodes.models.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jcomfy.backend.parallel.ProcessGroupException;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorMetrics;
import org.jcomfy.nodes.acceleration.AttentionCache;
import org.jcomfy.nodes.acceleration.CachePolicy;
import org.jcomfy.nodes.acceleration.DitBlockCache;
import org.jcomfy.nodes.acceleration.EasyCache;
import org.jcomfy.nodes.acceleration.LazyCache;
import org.jcomfy.nodes.acceleration.ParallelPlanNode;
import org.jcomfy.nodes.acceleration.TeaCache;
import org.jcomfy.nodes.api.NodeInputs;
import org.jcomfy.nodes.demo.DemoModels;
import org.jcomfy.nodes.ksampler.KSampler;
import org.jcomfy.nodes.loaders.UnetLoader;
import org.jcomfy.nodes.models.wan.t5.DemoTextEncoderWeights;
import org.jcomfy.nodes.testing.TestContext;
import org.jcomfy.nodes.types.Conditioning;
import org.jcomfy.nodes.types.DiffusionModel;
import org.jcomfy.nodes.types.Latent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ParallelPlan MODEL through the real KSampler node on the trained demo DiT (2 heads, 2 blocks): every
 * plan, CFG parallel included, and every cache on top of a plan, samples within relative L2 1e-5
 * of the same MODEL on one rank (and a cache's report counts the same reuse); token counts of 8 (divides every plan) and 9 (padded everywhere).
 */
@Timeout(120)   // a hang guard; each test takes a few seconds
class ParallelSamplingTest {
    private static final double TOLERANCE = 1e-5;
    private static final long[] EVEN = {1, 16, 2, 4, 4};   // 2 x 2 x 2 = 8 tokens
    private static final long[] ODD = {1, 16, 1, 6, 6};    // 1 x 3 x 3 = 9 tokens: every split pads

    @TempDir static Path dir;
    private static TestContext ctx;
    private static DiffusionModel demo;
    private static Conditioning positive, negative;

    @BeforeAll
    static void load() throws Exception {
        ctx = new TestContext(dir);
        DemoModels.ensure(ctx.inputDirectory().resolveSibling("models"), System.out);
        demo = (DiffusionModel) new UnetLoader().execute(
                new NodeInputs(Map.of("unet_name", DemoModels.DIT, "weight_dtype", "default")), ctx).results().get(0);
        positive = Conditioning.of(random(1, 1, 7, DemoTextEncoderWeights.CONFIG.dim()));
        negative = Conditioning.of(random(2, 1, 7, DemoTextEncoderWeights.CONFIG.dim()));
    }

    private static Tensor random(long seed, long... shape) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(DType.F32, shape);
        for (long i = 0; i < t.numel(); i++) t.setFloat(i, (float) (rng.nextDouble() * 2 - 1));
        return t;
    }

    static DiffusionModel planned(DiffusionModel model, int ulysses, int ring, boolean cfgParallel) {
        return (DiffusionModel) new ParallelPlanNode().execute(new NodeInputs(Map.of("model", model, "ulysses_size", ulysses,
                "ring_size", ring, "cfg_parallel", cfgParallel, "ranks", "local")), ctx).results().get(0);
    }

    /** KSampler, euler / simple, 3 steps, on an empty latent of {@code shape}. */
    private static float[] sample(DiffusionModel model, double cfg, long[] shape) {
        return sample(model, cfg, shape, "euler");
    }

    private static float[] sample(DiffusionModel model, double cfg, long[] shape, String sampler) {
        Map<String, Object> in = Map.of("model", model, "seed", 7L, "steps", 3, "cfg", cfg, "sampler_name", sampler,
                "scheduler", "simple", "positive", positive, "negative", negative,
                "latent_image", Latent.of(Tensor.zeros(DType.F32, shape)), "denoise", 1.0);
        return ((Latent) new KSampler().execute(new NodeInputs(in), ctx).results().get(0)).samples().toFloatArray();
    }

    private static void assertExact(String what, float[] single, float[] parallel) {
        double rel = TensorMetrics.relativeL2(parallel, single);
        assertTrue(rel <= TOLERANCE, what + ": relative L2 " + rel + " against one rank");
    }

    @Test
    void ulysses_2_ring_2_and_ulysses_2_x_ring_2_sample_as_one_rank_with_and_without_padding() {
        for (long[] shape : List.of(EVEN, ODD)) {
            float[] single = sample(demo, 3.0, shape);
            for (int[] plan : new int[][] {{2, 1}, {1, 2}, {2, 2}}) {
                assertExact("ulysses " + plan[0] + " x ring " + plan[1] + " on " + shape[3] * shape[4] / 4 * shape[2] + " tokens",
                        single, sample(planned(demo, plan[0], plan[1], false), 3.0, shape));
            }
        }
    }

    @Test
    void cfg_parallel_alone_and_with_ulysses_2_samples_as_one_rank() {
        for (long[] shape : List.of(EVEN, ODD)) {
            float[] single = sample(demo, 3.0, shape);
            assertExact("cfg parallel", single, sample(planned(demo, 1, 1, true), 3.0, shape));
            assertExact("cfg parallel x ulysses 2", single, sample(planned(demo, 2, 1, true), 3.0, shape));
            assertExact("cfg parallel x ring 2", single, sample(planned(demo, 1, 2, true), 3.0, shape));
        }
    }

    /** Two-stage and ancestral samplers call each branch twice per step (the second call numbered 1): the pairs still match. */
    @Test
    void cfg_parallel_pairs_the_second_evaluations_of_two_stage_samplers() {
        for (String sampler : List.of("heun", "dpmpp_2s_ancestral")) {
            assertExact(sampler + " with cfg parallel x ring 2", sample(demo, 3.0, EVEN, sampler),
                    sample(planned(demo, 1, 2, true), 3.0, EVEN, sampler));
        }
    }

    /** cfg 1: no uncond branch, nothing for cfg_parallel to split; the first group runs alone (documented on the node). */
    @Test
    void cfg_parallel_with_cfg_1_runs_the_cond_branch_on_the_first_group() {
        float[] single = sample(demo, 1.0, EVEN);
        assertExact("cfg 1 with cfg parallel x ulysses 2", single, sample(planned(demo, 2, 1, true), 1.0, EVEN));
        assertExact("cfg 1 with cfg parallel alone", single, sample(planned(demo, 1, 1, true), 1.0, EVEN));
    }

    /**
     * A cache on a planned MODEL: every rank takes the one-rank decision at every call, so the
     * result is the cache-only result (not the uncached one, which each of these caches changes),
     * and the cache report counts the same reuse.
     */
    @Test
    void every_cache_on_a_plan_samples_as_the_cache_alone() {
        float[] uncached = sample(demo, 3.0, ODD);
        int blocks = demo.net().blockCount();
        for (CachePolicy cache : List.of(new DitBlockCache(1, 2, 3, 1, blocks), new AttentionCache(1, 2, 3, 0, blocks),
                new TeaCache(50.0, false, new double[] {1.0, 0.0}, 0, -1),
                new EasyCache(3.0, 0.0, 1.0), new LazyCache(3.0, 0.0, 1.0))) {
            DiffusionModel cached = demo.withCache(cache);
            float[] cacheOnly = sample(cached, 3.0, ODD);
            String counted = lastCacheCounts();
            assertTrue(TensorMetrics.relativeL2(cacheOnly, uncached) > 1e-4, cache + " reuses");
            for (int[] plan : new int[][] {{1, 2, 0}, {2, 1, 1}}) {
                DiffusionModel both = planned(cached, plan[0], plan[1], plan[2] == 1);
                assertExact(cache + " with " + both.options().parallel(), cacheOnly, sample(both, 3.0, ODD));
                assertEquals(counted, lastCacheCounts(), cache + " with " + both.options().parallel() + ": the report's counts");
            }
        }
    }

    /** The last {@code jcomfy.cache_report}'s counts per branch, without its timings. */
    private static String lastCacheCounts() {
        Map<String, Object> report = null;
        for (Map.Entry<String, Map<String, Object>> e : ctx.events) if (e.getKey().equals("jcomfy.cache_report")) report = e.getValue();
        assertTrue(report != null, "a cache report");
        StringBuilder out = new StringBuilder();
        ((Map<?, ?>) report.get("branches")).forEach((branch, counts) -> {
            Map<?, ?> c = (Map<?, ?>) counts;
            out.append(branch).append(": ").append(c.get("steps_computed")).append(" computed, ").append(c.get("steps_reused"))
                    .append(" reused, blocks ").append(c.get("blocks_computed")).append("/").append(c.get("blocks_reused")).append("; ");
        });
        return out.toString();
    }

    /**
     * The plan reaches the forward through the sampler: a plan the node would refuse (Ulysses 4
     * on 2 heads), put on the MODEL directly, fails the sampling with the forward's own message.
     */
    @Test
    void a_plan_on_the_model_is_what_the_sampler_runs() {
        DiffusionModel unsplittable = demo.withParallel(new ParallelPlan(4, 1, false, ParallelPlan.LOCAL));
        ProcessGroupException e = assertThrows(ProcessGroupException.class, () -> sample(unsplittable, 3.0, EVEN));
        assertTrue(e.getMessage().contains("Ulysses over 4 ranks needs a head count divisible by 4; this model has 2 heads"),
                e.getMessage());
    }

    @Test
    void the_node_refuses_a_ulysses_size_that_does_not_divide_the_heads_and_a_world_past_the_local_limit() {
        IllegalArgumentException heads = assertThrows(IllegalArgumentException.class, () -> planned(demo, 4, 1, false));
        assertTrue(heads.getMessage().startsWith("ulysses_size 4 does not divide the model's 2 attention heads"), heads.getMessage());
        assertTrue(heads.getMessage().contains("heads=2"), "names the architecture: " + heads.getMessage());
        String world = new ParallelPlanNode().validateInputs(new NodeInputs(Map.of("ulysses_size", 2, "ring_size", 3,
                "cfg_parallel", true, "ranks", "local")), ctx);
        assertEquals("this plan needs 12 ranks (2 guidance groups x ulysses_size 2 x ring_size 3), more than the 8 in-process "
                + "ranks 'local' offers (threads of this JVM, up to 8 whatever the core count)", world);
        assertEquals(null, new ParallelPlanNode().validateInputs(new NodeInputs(Map.of("ulysses_size", 2, "ring_size", 2,
                "cfg_parallel", true, "ranks", "local")), ctx), "8 ranks fit");
    }
}
