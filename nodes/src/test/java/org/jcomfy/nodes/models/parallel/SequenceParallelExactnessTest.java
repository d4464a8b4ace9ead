package org.jcomfy.nodes.models.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.parallel.LocalProcessGroup;
import org.jcomfy.backend.parallel.ProcessGroup;
import org.jcomfy.backend.parallel.ProcessGroupException;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorMetrics;
import org.jcomfy.nodes.acceleration.CachePolicy;
import org.jcomfy.nodes.acceleration.DitBlockCache;
import org.jcomfy.nodes.acceleration.TeaCache;
import org.jcomfy.nodes.models.ActivationRecorder;
import org.jcomfy.nodes.models.BlockLoop;
import org.jcomfy.nodes.models.SequenceParallel;
import org.jcomfy.nodes.models.wan.dit.WanConfig;
import org.jcomfy.nodes.models.wan.dit.WanDit;
import org.jcomfy.nodes.models.wan.dit.WanDitBenchmark;
import org.jcomfy.nodes.models.wan.dit.WanModel;
import org.jcomfy.nodes.models.wan.dit.WanModelType;
import org.jcomfy.nodes.sampling.FlowModelSampling;
import org.jcomfy.nodes.sampling.KSamplerRun;
import org.jcomfy.nodes.sampling.KSamplerSettings;
import org.jcomfy.nodes.sampling.LatentFormat;
import org.jcomfy.nodes.sampling.VelocityModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The full Wan DiT forward under sequence parallelism (Ulysses, Ring, and the two as a USP mesh),
 * its ranks as threads of this JVM: every rank's output within relative L2 1e-5 of the one-rank
 * forward, on the wan-tiny golden (4 heads, 18 tokens) and on a random config with 8 heads, with
 * token counts that do not divide by the ranks (padded and masked), and with a DiT cache on.
 */
class SequenceParallelExactnessTest {
    private static final Path GOLDEN = Path.of(System.getProperty("jcomfy.testdata"), "golden", "wan-tiny");
    private static final Kernels K = Devices.cpu().kernels();
    private static final double TOLERANCE = 1e-5;

    private static WanDit.Loaded tiny;
    private static Tensor tinyX, tinyContext, tinyExpected;
    private static double tinyT;
    private static WanModel wide;

    @BeforeAll
    static void load() {
        tiny = WanDit.load(GOLDEN.resolve("weights.safetensors"), K);
        try (SafeTensorsFile in = SafeTensorsFile.open(GOLDEN.resolve("inputs.safetensors"));
             SafeTensorsFile act = SafeTensorsFile.open(GOLDEN.resolve("activations.safetensors"))) {
            tinyX = in.tensor("x").toF32().batchOfOne().copy();
            tinyContext = in.tensor("context").toF32().batchOfOne().copy();
            tinyT = in.tensor("t").getDouble(0);
            tinyExpected = act.tensor("output").toF32().copy();
        }
        // Larger than wan-tiny where it matters here: 8 heads (Ulysses 2 and 4), more tokens.
        WanConfig config = new WanConfig(256, 512, 32, 48, 16, 16, 16, 8, 2, new int[] {1, 2, 2}, 1e-6f, WanModelType.T2V, 0);
        wide = new WanModel(config, WanDitBenchmark.randomModelWeights(config, DType.F32, 42), K);
    }

    @AfterAll
    static void close() { tiny.close(); }

    private static Tensor random(long seed, long... shape) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(DType.F32, shape);
        for (long i = 0; i < t.numel(); i++) t.setFloat(i, (float) (rng.nextDouble() * 2 - 1));
        return t;
    }

    /** Every rank's forward output with the sequence spread as {@code plan} says. */
    private static List<Tensor> forwardOnRanks(int ranks, Function<ProcessGroup, SequenceParallel> plan, WanModel model,
                                               Tensor x, double t, Tensor context) {
        return LocalProcessGroup.run(ranks, g -> model.forward(x, new double[] {t}, context, null, BlockLoop.EVERY_BLOCK,
                plan.apply(g), ActivationRecorder.NONE));
    }

    private static void assertExact(String what, Tensor single, List<Tensor> ranks) {
        for (int r = 0; r < ranks.size(); r++) {
            assertArrayEquals(single.shape(), ranks.get(r).shape(), what + " rank " + r + ": shape");
            double rel = TensorMetrics.relativeL2(ranks.get(r), single);
            assertTrue(rel <= TOLERANCE, what + " rank " + r + ": relative L2 " + rel);
        }
    }

    @Test
    void ulysses_2_and_4_and_ring_2_3_and_4_on_wan_tiny_match_one_rank_and_the_golden() {
        Tensor single = tiny.model().forward(tinyX, new double[] {tinyT}, tinyContext);
        assertTrue(TensorMetrics.relativeL2(single, tinyExpected) <= TOLERANCE, "the one-rank forward is the golden's");
        // 18 tokens: 9 per rank on 2 ranks, 6 on 3; on 4 ranks 5 per rank, the last two rows padding.
        record Plan(String name, int ranks, Function<ProcessGroup, SequenceParallel> of) {}
        for (Plan plan : List.of(new Plan("Ulysses", 2, UspParallel::ulysses), new Plan("Ulysses", 4, UspParallel::ulysses),
                new Plan("Ring", 2, UspParallel::ring), new Plan("Ring", 3, UspParallel::ring), new Plan("Ring", 4, UspParallel::ring))) {
            List<Tensor> out = forwardOnRanks(plan.ranks(), plan.of(), tiny.model(), tinyX, tinyT, tinyContext);
            assertExact("wan-tiny " + plan.name() + " " + plan.ranks(), single, out);
            assertExact("wan-tiny " + plan.name() + " " + plan.ranks() + " against the golden", tinyExpected.reshape(single.shape()), out);
        }
    }

    @Test
    void ulysses_on_a_larger_random_config_matches_one_rank_with_and_without_padding() {
        Tensor context = random(3, 1, 11, 48);
        for (long[] latent : new long[][] {{1, 16, 2, 4, 8}, {1, 16, 3, 6, 10}}) {   // 16 tokens; 45 tokens (padded on 2 and 4)
            Tensor x = random(1, latent);
            Tensor single = wide.forward(x, new double[] {700}, context);
            for (int ranks : new int[] {2, 4}) {
                assertExact("random Ulysses " + ranks + " on " + x, single,
                        forwardOnRanks(ranks, UspParallel::ulysses, wide, x, 700, context));
            }
        }
    }

    @Test
    void ring_on_a_larger_random_config_matches_one_rank_with_padding_and_a_shard_of_padding_only() {
        Tensor context = random(4, 1, 9, 48);
        // 45 tokens (Ring 2 pads one row), 16 tokens (Ring 3 pads two), 2 tokens (Ring 3: the last shard is all padding).
        for (long[] latent : new long[][] {{1, 16, 3, 6, 10}, {1, 16, 2, 4, 8}, {1, 16, 1, 2, 4}}) {
            Tensor x = random(2, latent);
            Tensor single = wide.forward(x, new double[] {300}, context);
            for (int ranks : new int[] {2, 3}) {
                assertExact("random Ring " + ranks + " on " + x, single, forwardOnRanks(ranks, UspParallel::ring, wide, x, 300, context));
            }
        }
    }

    /** The 2-D mesh: Ulysses groups {0, 1} and {2, 3}, ring groups {0, 2} and {1, 3}; and Ulysses 2 x Ring 3. */
    @Test
    void usp_meshes_match_one_rank() {
        Tensor single = tiny.model().forward(tinyX, new double[] {tinyT}, tinyContext);
        assertExact("wan-tiny Ulysses 2 x Ring 2", single, forwardOnRanks(4, g -> UspParallel.mesh(g, 2), tiny.model(), tinyX, tinyT,
                tinyContext));
        Tensor context = random(5, 1, 9, 48);
        Tensor x = random(6, 1, 16, 3, 6, 10);   // 45 tokens: 12 per rank on 2 x 2, 8 on 2 x 3 (3 rows padding each)
        Tensor wideSingle = wide.forward(x, new double[] {500}, context);
        assertExact("random Ulysses 2 x Ring 2", wideSingle, forwardOnRanks(4, g -> UspParallel.mesh(g, 2), wide, x, 500, context));
        assertExact("random Ulysses 2 x Ring 3", wideSingle, forwardOnRanks(6, g -> UspParallel.mesh(g, 2), wide, x, 500, context));
    }

    @Test
    void ulysses_refuses_a_head_count_its_ranks_do_not_divide() {
        ProcessGroupException e = assertThrows(ProcessGroupException.class,
                () -> forwardOnRanks(3, UspParallel::ulysses, tiny.model(), tinyX, tinyT, tinyContext));
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertEquals("Ulysses over 3 ranks needs a head count divisible by 3; this model has 4 heads "
                + "(choose a ulysses_size that divides 4)", e.getCause().getMessage());
    }

    /** A rank whose forward fails mid-way fails every rank's forward with its name; none hangs. */
    @Test
    void a_rank_failing_inside_the_block_loop_fails_every_rank_with_its_name() {
        ProcessGroupException e = assertThrows(ProcessGroupException.class, () -> LocalProcessGroup.run(2, Duration.ofSeconds(20), g -> {
            BlockLoop failingOnRank1 = (hidden, blocks) -> {
                Tensor h = blocks.compute(0, hidden, BlockLoop.SelfAttention.COMPUTE);
                if (g.rank() == 1) throw new IllegalStateException("out of memory on rank 1's device");
                return blocks.compute(1, h, BlockLoop.SelfAttention.COMPUTE);
            };
            return tiny.model().forward(tinyX, new double[] {tinyT}, tinyContext, null, failingOnRank1, UspParallel.ulysses(g),
                    ActivationRecorder.NONE);
        }));
        assertTrue(e.getMessage().startsWith("rank 1 failed: java.lang.IllegalStateException: out of memory"), e.getMessage());
    }

    /** A rank that stalls past the timeout is named by the rank that waited for it. */
    @Test
    void a_stalled_rank_is_named_once_the_others_time_out() {
        ProcessGroupException e = assertThrows(ProcessGroupException.class, () -> LocalProcessGroup.run(2, Duration.ofMillis(300), g -> {
            BlockLoop stallingOnRank1 = (hidden, blocks) -> {
                if (g.rank() == 1) LockSupport.parkNanos(1_500_000_000L);
                return BlockLoop.EVERY_BLOCK.run(hidden, blocks);
            };
            return tiny.model().forward(tinyX, new double[] {tinyT}, tinyContext, null, stallingOnRank1, UspParallel.ring(g),
                    ActivationRecorder.NONE);
        }));
        assertTrue(e.getMessage().startsWith("rank 1 "), e.getMessage());
        assertTrue(e.getMessage().contains("within 300 ms (rank 0 waited)"), e.getMessage());
    }

    /**
     * Sampling with a DiT cache that reuses, under Ulysses 2: the caches decide on the timestep
     * embedding and the step, the same on every rank, so every rank reuses at the same calls and
     * the result is the one-rank cached result (and not the uncached one).
     */
    @Test
    void a_dit_cache_under_ulysses_2_takes_the_one_rank_decisions() {
        WanModel model = tiny.model();
        Tensor latent = Tensor.zeros(DType.F32, tinyX.shape());
        Tensor empty = Tensor.zeros(DType.F32, tinyContext.shape());
        Function<CachePolicy, Function<SequenceParallel, float[]>> sampler = policy -> sequence -> {
            VelocityModel<Tensor> velocity = (x, timestep, ctx, call) -> model.forward(x, new double[] {timestep}, ctx, null,
                    policy.blockLoop(call), sequence, ActivationRecorder.NONE);
            KSamplerSettings settings = KSamplerSettings.ksampler(7, 6, 3.0, "euler", "simple", 1.0);
            return KSamplerRun.run(velocity, FlowModelSampling.wanDefault(), LatentFormat.identity(model.config().outDim()), latent,
                    null, tinyContext, empty, settings, null, policy).toFloatArray();
        };
        float[] uncached = sampler.apply(CachePolicy.NONE).apply(SequenceParallel.NONE);
        for (CachePolicy policy : List.of(new TeaCache(50.0, false, new double[] {1.0, 0.0}, 0, -1),
                new DitBlockCache(1, 2, 6, 0, model.config().numLayers()))) {
            float[] single = sampler.apply(policy).apply(SequenceParallel.NONE);
            assertTrue(TensorMetrics.relativeL2(single, uncached) > 1e-4, policy + " reuses");
            List<float[]> ranks = LocalProcessGroup.run(2, g -> sampler.apply(policy).apply(UspParallel.ulysses(g)));
            for (int r = 0; r < 2; r++) {
                double rel = TensorMetrics.relativeL2(ranks.get(r), single);
                assertTrue(rel <= TOLERANCE, policy + " under Ulysses 2, rank " + r + ": relative L2 " + rel);
            }
        }
    }
}
