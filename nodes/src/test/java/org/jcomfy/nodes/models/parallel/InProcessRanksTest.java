package org.jcomfy.nodes.models.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.parallel.ProcessGroupException;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorMetrics;
import org.jcomfy.nodes.acceleration.CachePolicy;
import org.jcomfy.nodes.demo.DemoModels;
import org.jcomfy.nodes.models.ActivationRecorder;
import org.jcomfy.nodes.models.BlockLoop;
import org.jcomfy.nodes.models.DenoisingRun;
import org.jcomfy.nodes.models.GuidanceBranch;
import org.jcomfy.nodes.models.ModelCall;
import org.jcomfy.nodes.models.wan.dit.WanDit;
import org.jcomfy.nodes.models.wan.dit.WanModel;
import org.jcomfy.nodes.models.wan.t5.DemoTextEncoderWeights;
import org.jcomfy.nodes.sampling.FlowModelSampling;
import org.jcomfy.nodes.sampling.KSamplerRun;
import org.jcomfy.nodes.sampling.KSamplerSettings;
import org.jcomfy.nodes.sampling.LatentFormat;
import org.jcomfy.nodes.sampling.VelocityModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which ranks evaluate what when a sampler drives the demo DiT through {@link InProcessRanks}:
 * each forward's rank threads, the branch each group evaluates, the sequence split each rank
 * builds, and the run each rank keeps its cache state in. The sampled latent is the one-rank
 * one in every case (the numbers themselves are {@code ParallelSamplingTest}'s).
 */
@Timeout(120)
class InProcessRanksTest {
    private static final Kernels K = Devices.cpu().kernels();
    @TempDir static Path dir;
    private static WanDit.Loaded dit;
    private static Tensor positive, negative, latent;

    /** What one rank did in one forward. */
    private record Seen(String thread, GuidanceBranch branch, int step, String sequence, DenoisingRun run) {}

    @BeforeAll
    static void load() throws Exception {
        DemoModels.ensure(dir.resolve("models"), System.out);
        Path file = dir.resolve("models/diffusion_models").resolve(DemoModels.DIT);
        dit = WanDit.load(file, K);
        positive = random(1, 1, 6, DemoTextEncoderWeights.CONFIG.dim());
        negative = random(2, 1, 6, DemoTextEncoderWeights.CONFIG.dim());
        latent = Tensor.zeros(DType.F32, 1, 16, 1, 6, 6);
    }

    @AfterAll
    static void close() { dit.close(); }

    private static Tensor random(long seed, long... shape) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(DType.F32, shape);
        for (long i = 0; i < t.numel(); i++) t.setFloat(i, (float) (rng.nextDouble() * 2 - 1));
        return t;
    }

    /** Samples 3 euler steps at cfg 3 under {@code plan} and {@code cache}, recording every rank's forward in {@code seen}. */
    private static float[] sample(ParallelPlan plan, CachePolicy cache, List<Seen> seen) {
        return sample(plan, cache, seen, "euler");
    }

    private static float[] sample(ParallelPlan plan, CachePolicy cache, List<Seen> seen, String sampler) {
        WanModel model = dit.model();
        RankForward<Tensor> forward = (x, timestep, context, call, sequence) -> {
            seen.add(new Seen(Thread.currentThread().getName(), call.branch(), call.step(), sequence.toString(), call.run()));
            return model.forward(x, new double[] {timestep}, context, null, cache.blockLoop(call), sequence, ActivationRecorder.NONE);
        };
        VelocityModel<Tensor> velocity = InProcessRanks.velocity(plan, forward, negative, true);
        KSamplerSettings settings = KSamplerSettings.ksampler(3, 3, 3.0, sampler, "simple", 1.0);
        return KSamplerRun.run(velocity, FlowModelSampling.wanDefault(), LatentFormat.identity(16), latent, null, positive, negative,
                settings, null, cache).toFloatArray();
    }

    /** A rank whose forward throws fails the whole sampling with its name, within the step; the next sampling runs as usual. */
    @Test
    void a_rank_failing_mid_sampling_fails_it_naming_the_rank_and_the_next_sampling_is_unaffected() {
        WanModel model = dit.model();
        ParallelPlan plan = new ParallelPlan(1, 2, true, ParallelPlan.LOCAL);
        RankForward<Tensor> failing = (x, timestep, context, call, sequence) -> {
            if (call.step() == 1 && Thread.currentThread().getName().equals("rank-3")) throw new IllegalStateException("device lost");
            return model.forward(x, new double[] {timestep}, context, null, BlockLoop.EVERY_BLOCK, sequence, ActivationRecorder.NONE);
        };
        KSamplerSettings settings = KSamplerSettings.ksampler(3, 3, 3.0, "euler", "simple", 1.0);
        ProcessGroupException e = assertThrows(ProcessGroupException.class, () -> KSamplerRun.run(
                InProcessRanks.velocity(plan, failing, negative, true), FlowModelSampling.wanDefault(), LatentFormat.identity(16), latent,
                null, positive, negative, settings, null));
        assertTrue(e.getMessage().startsWith("rank 3 failed: java.lang.IllegalStateException: device lost"), e.getMessage());
        float[] one = sample(ParallelPlan.SINGLE, CachePolicy.NONE, new ArrayList<>());
        assertTrue(TensorMetrics.relativeL2(sample(plan, CachePolicy.NONE, new ArrayList<>()), one) <= 1e-5);
    }

    private static List<Seen> ofStep(List<Seen> seen, int step, GuidanceBranch branch) {
        return seen.stream().filter(s -> s.step() == step && s.branch() == branch).toList();
    }

    @Test
    void cfg_parallel_with_ulysses_2_runs_each_steps_two_branches_on_two_groups_of_two_at_once() {
        List<Seen> single = new ArrayList<>();
        float[] one = sample(ParallelPlan.SINGLE, CachePolicy.NONE, single);
        assertEquals(Set.of("main"), names(single), "one rank runs on the sampler's thread");
        List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
        float[] four = sample(new ParallelPlan(2, 1, true, ParallelPlan.LOCAL), CachePolicy.NONE, seen);
        assertTrue(TensorMetrics.relativeL2(four, one) <= 1e-5, "as one rank");
        assertEquals(3 * 4, seen.size(), "3 steps, each one forward on 4 ranks");
        DenoisingRun sampler = sharedRun(seen);
        for (int step = 0; step < 3; step++) {
            List<Seen> cond = ofStep(seen, step, GuidanceBranch.COND), uncond = ofStep(seen, step, GuidanceBranch.UNCOND);
            // One world of 4 per step: ranks 0, 1 the cond group, 2, 3 the uncond group.
            assertEquals(Set.of("rank-0", "rank-1"), names(cond), "step " + step);
            assertEquals(Set.of("rank-2", "rank-3"), names(uncond), "step " + step);
            for (Seen s : seen) assertEquals("USP ulysses 2 x ring 1", s.sequence());
            assertEquals(2, runs(cond).size(), "each rank its own run");
            assertEquals(2, runs(uncond).size());
            assertTrue(runs(cond).contains(sampler) && runs(uncond).contains(sampler), "each group's first rank keeps the sampler's run");
        }
        assertEquals(3, runs(seen).size(), "the sampler's run and one of its own for ranks 1 and 3, the same every step");
    }

    /** Heun evaluates each branch twice per step but the last: each uncond evaluation is still paired with its cond one. */
    @Test
    void the_second_evaluations_of_a_two_stage_sampler_are_paired_too() {
        float[] one = sample(ParallelPlan.SINGLE, CachePolicy.NONE, new ArrayList<>(), "heun");
        List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
        float[] four = sample(new ParallelPlan(2, 1, true, ParallelPlan.LOCAL), CachePolicy.NONE, seen, "heun");
        assertTrue(TensorMetrics.relativeL2(four, one) <= 1e-5, "as one rank");
        assertEquals(5 * 4, seen.size(), "2 + 2 + 1 evaluations per branch, each one forward on 4 ranks");
        // An uncond evaluation run alone would be on a world of two, threads rank-0 and rank-1.
        for (Seen s : seen) {
            Set<String> group = s.branch() == GuidanceBranch.COND ? Set.of("rank-0", "rank-1") : Set.of("rank-2", "rank-3");
            assertTrue(group.contains(s.thread()), "every evaluation ran in a pair: " + s);
        }
    }

    @Test
    void without_cfg_parallel_ulysses_2_x_ring_2_runs_both_branches_on_the_same_four_ranks_in_turn() {
        List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
        float[] out = sample(new ParallelPlan(2, 2, false, ParallelPlan.LOCAL), CachePolicy.NONE, seen);
        assertTrue(TensorMetrics.relativeL2(out, sample(ParallelPlan.SINGLE, CachePolicy.NONE, new ArrayList<>())) <= 1e-5);
        assertEquals(3 * 2 * 4, seen.size(), "3 steps, 2 branches, 4 ranks each");
        for (GuidanceBranch b : GuidanceBranch.values()) {
            assertEquals(Set.of("rank-0", "rank-1", "rank-2", "rank-3"), names(ofStep(seen, 1, b)));
        }
        for (Seen s : seen) assertEquals("USP ulysses 2 x ring 2", s.sequence());
        assertEquals(4, runs(seen).size(), "one run per rank, shared by the branches");
    }

    /**
     * A cache that serves the cond call of every odd step with the step before's cond velocity
     * and always computes the uncond call: no pair starts on those steps, and the uncond call runs
     * alone on the uncond group's ranks, in the same runs as when paired.
     */
    @Test
    void an_uncond_call_whose_cond_a_cache_served_runs_alone_on_the_uncond_group() {
        CachePolicy oddCondSteps = new CachePolicy() {
            @Override
            public Tensor velocity(ModelCall call, Tensor x, Supplier<Tensor> model) {
                float[][] last = call.run().runState(this, () -> new float[1][]);
                if (call.branch() == GuidanceBranch.COND && call.step() % 2 == 1) return Tensor.of(last[0].clone(), x.shape());
                Tensor v = model.get();
                if (call.branch() == GuidanceBranch.COND) last[0] = v.toFloatArray();
                return v;
            }
        };
        float[] cacheOnly = sample(ParallelPlan.SINGLE, oddCondSteps, new ArrayList<>());
        List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
        float[] out = sample(new ParallelPlan(2, 1, true, ParallelPlan.LOCAL), oddCondSteps, seen);
        assertTrue(TensorMetrics.relativeL2(out, cacheOnly) <= 1e-5, "as the cache alone");
        assertTrue(ofStep(seen, 1, GuidanceBranch.COND).isEmpty(), "step 1's cond call was served");
        List<Seen> alone = ofStep(seen, 1, GuidanceBranch.UNCOND);
        assertEquals(Set.of("rank-0", "rank-1"), names(alone), "a world of the uncond group's two ranks");
        assertEquals(runs(ofStep(seen, 0, GuidanceBranch.UNCOND)), runs(alone), "the uncond group's runs, as when paired");
        assertEquals(2 * 2 + 3 * 2, seen.size());
    }

    /** The one run both branches' forwards used: the sampler's. */
    private static DenoisingRun sharedRun(List<Seen> seen) {
        Set<DenoisingRun> shared = runs(seen.stream().filter(s -> s.branch() == GuidanceBranch.COND).toList());
        shared.retainAll(runs(seen.stream().filter(s -> s.branch() == GuidanceBranch.UNCOND).toList()));
        assertEquals(1, shared.size(), "the groups share one run");
        return shared.iterator().next();
    }

    private static Set<String> names(List<Seen> seen) {
        Set<String> out = new HashSet<>();
        seen.forEach(s -> out.add(s.thread()));
        return out;
    }

    private static Set<DenoisingRun> runs(List<Seen> seen) {
        Set<DenoisingRun> out = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        seen.forEach(s -> out.add(s.run()));
        return out;
    }
}
