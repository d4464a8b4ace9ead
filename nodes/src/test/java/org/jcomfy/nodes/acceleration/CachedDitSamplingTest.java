package org.jcomfy.nodes.acceleration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorMetrics;
import org.jcomfy.nodes.models.ActivationRecorder;
import org.jcomfy.nodes.models.wan.dit.WanDit;
import org.jcomfy.nodes.models.wan.dit.WanModel;
import org.jcomfy.nodes.sampling.FlowModelSampling;
import org.jcomfy.nodes.sampling.KSamplerRun;
import org.jcomfy.nodes.sampling.KSamplerSettings;
import org.jcomfy.nodes.sampling.LatentFormat;
import org.jcomfy.nodes.sampling.VelocityModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The caches on a real Wan DiT (the wan-tiny golden weights) inside real sampling runs with CFG:
 * a cache that computes every step is bit-identical to no cache, for every policy and however
 * its state is exercised; a cache that reuses changes the result.
 */
class CachedDitSamplingTest {
    private static final Path DIR = Path.of(System.getProperty("jcomfy.testdata"), "golden", "wan-tiny");
    private static final Kernels K = Devices.cpu().kernels();
    private static final int STEPS = 6;

    private static WanDit.Loaded dit;
    private static Tensor latent, context, emptyContext;

    @BeforeAll
    static void load() {
        dit = WanDit.load(DIR.resolve("weights.safetensors"), K);
        try (SafeTensorsFile in = SafeTensorsFile.open(DIR.resolve("inputs.safetensors"))) {
            latent = Tensor.zeros(org.jcomfy.backend.tensor.DType.F32, in.tensor("x").toF32().batchOfOne().shape());
            context = in.tensor("context").toF32().batchOfOne().copy();
            emptyContext = Tensor.zeros(org.jcomfy.backend.tensor.DType.F32, context.shape());
        }
    }

    @AfterAll
    static void close() { dit.close(); }

    private static float[] sample(CachePolicy policy, String sampler) {
        WanModel model = dit.model();
        VelocityModel<Tensor> velocity = (x, timestep, ctx, call) ->
                model.forward(x, new double[] {timestep}, ctx, null, policy.blockLoop(call), ActivationRecorder.NONE);
        KSamplerSettings settings = KSamplerSettings.ksampler(7, STEPS, 3.0, sampler, "simple", 1.0);
        return KSamplerRun.run(velocity, FlowModelSampling.wanDefault(), LatentFormat.identity(model.config().outDim()), latent, null,
                context, emptyContext, settings, null).toFloatArray();
    }

    /**
     * The premise of every bit-identical claim: the same forward gives the same bits each time,
     * also once the JIT has compiled the kernels (vendor vector math used to change the last bit).
     */
    @Test
    void the_same_forward_and_the_same_sampling_give_the_same_bits_as_the_jit_warms_up() {
        WanModel model = dit.model();
        Tensor x = Tensor.of(new float[(int) latent.numel()], latent.shape());
        for (int i = 0; i < x.numel(); i++) x.setFloat(i, (float) Math.sin(i));
        float[] first = model.forward(x, new double[] {500}, context).toFloatArray();
        for (int i = 0; i < 20; i++) assertArrayEquals(first, model.forward(x, new double[] {500}, context).toFloatArray(), "forward " + i);
        float[] sampled = sample(CachePolicy.NONE, "euler");
        for (int i = 0; i < 3; i++) assertArrayEquals(sampled, sample(CachePolicy.NONE, "euler"), "sampling " + i);
    }

    @Test
    void every_policy_that_computes_every_step_is_bit_identical_to_no_cache() {
        int layers = dit.model().config().numLayers();
        for (String sampler : List.of("euler", "heun")) {
            float[] plain = sample(CachePolicy.NONE, sampler);
            List<CachePolicy> computingAll = List.of(
                    new DitBlockCache(0, 1, STEPS, 0, layers),           // interval 1: off
                    new DitBlockCache(STEPS, 2, STEPS, 0, layers),       // starts after the last step: off
                    new DitBlockCache(3, 2, 2, 0, layers),               // active, stores residuals, never reuses
                    new AttentionCache(0, 1, STEPS, 0, layers),
                    new AttentionCache(0, 2, 0, 0, layers));             // active, never inside (start, end]
            for (CachePolicy p : computingAll) {
                assertArrayEquals(plain, sample(p, sampler), sampler + " with " + p);
            }
        }
    }

    @Test
    void a_cache_that_reuses_changes_the_result_a_little() {
        int layers = dit.model().config().numLayers();
        float[] plain = sample(CachePolicy.NONE, "euler");
        for (CachePolicy p : List.of(new DitBlockCache(1, 2, STEPS, 0, layers), new AttentionCache(1, 2, STEPS, 0, layers))) {
            float[] cached = sample(p, "euler");
            double rel = TensorMetrics.relativeL2(cached, plain);
            assertTrue(rel > 0 && Double.isFinite(rel), p + ": relative L2 " + rel);
        }
    }
}
