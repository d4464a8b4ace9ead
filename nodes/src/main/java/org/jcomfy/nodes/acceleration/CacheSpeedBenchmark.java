package org.jcomfy.nodes.acceleration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jcomfy.backend.device.BackendOptions;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorMetrics;
import org.jcomfy.nodes.models.ActivationRecorder;
import org.jcomfy.nodes.models.DenoisingRun;
import org.jcomfy.nodes.models.GuidanceBranch;
import org.jcomfy.nodes.models.wan.dit.WanConfig;
import org.jcomfy.nodes.models.wan.dit.WanDitBenchmark;
import org.jcomfy.nodes.models.wan.dit.WanModel;
import org.jcomfy.nodes.sampling.FlowModelSampling;
import org.jcomfy.nodes.sampling.KSamplerRun;
import org.jcomfy.nodes.sampling.KSamplerSettings;
import org.jcomfy.nodes.sampling.LatentFormat;
import org.jcomfy.nodes.sampling.VelocityModel;

/**
 * How much sampling time each cache setting saves on the real Wan2.1 1.3B architecture (random
 * bf16 weights, a small video latent, CFG): one uncached sampling, then one per setting, each
 * timed whole, in one process so the ratios compare like with like. Random weights say nothing
 * of quality (their outputs have none of a trained model's step-to-step structure), and adaptive
 * policies decide on what they see, so their skip counts here are not what a trained model gets;
 * the static DiTCache schedules are model-independent. Not part of the test suite.
 *
 * <pre>
 *   ./jcomfy bench cache [--steps 20] [--latent 3x16x16] [--layers 30]
 * </pre>
 */
public final class CacheSpeedBenchmark {
    private CacheSpeedBenchmark() {}

    /** One row of the table. */
    public record Row(String setting, double seconds, double speedup, int callsComputed, int callsReused,
                      double latentRelativeL2) { }

    /**
     * The settings compared at {@code steps} steps on a DiT of {@code layers} blocks: MindIE's
     * published DiTCache schedule (steps 20..47 every 2nd, blocks 10..30 of 30 at 50 steps) scaled to
     * the step and block counts, the attention cache on the same schedule, and ComfyUI's and
     * TeaCache's default thresholds.
     */
    public static Map<String, CachePolicy> settings(int steps, int layers) {
        int start = (int) Math.round(steps * 20 / 50.0), end = (int) Math.round(steps * 47 / 50.0);
        int blockStart = (int) Math.round(layers * 10 / 30.0);
        Map<String, CachePolicy> s = new LinkedHashMap<>();
        s.put("none", CachePolicy.NONE);
        s.put("DiTCache dit_block_cache " + start + "/2/" + end + " blocks " + blockStart + ".." + layers,
                new DitBlockCache(start, 2, end, blockStart, layers));
        s.put("DiTCache attention_cache " + start + "/2/" + end + " blocks 0.." + layers,
                new AttentionCache(start, 2, end, 0, layers));
        s.put("EasyCache 0.2 (0.15..0.95)", new EasyCache(0.2, 0.15, 0.95));
        s.put("LazyCache 0.2 (0.15..0.95)", new LazyCache(0.2, 0.15, 0.95));
        s.put("WanTeaCache 1.3B e 0.08", new TeaCache(0.08, false, TeaCache.coefficients("1.3B", false), 0, -1));
        return s;
    }

    public static List<Row> run(String[] args, BackendOptions backend) {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("--steps", "20", "--latent", "3x16x16", "--layers", "30",
                "--cfg", "5"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!opt.containsKey(args[i])) throw new IllegalArgumentException("unknown option " + args[i] + "; options: " + opt);
            opt.put(args[i], args[i + 1]);
        }
        int steps = Integer.parseInt(opt.get("--steps"));
        WanConfig config = WanConfig.t2v1_3B().withNumLayers(Integer.parseInt(opt.get("--layers")));
        String[] lat = opt.get("--latent").split("x");
        long frames = Long.parseLong(lat[0]), height = Long.parseLong(lat[1]), width = Long.parseLong(lat[2]);
        WanModel model = new WanModel(config, WanDitBenchmark.randomModelWeights(config, DType.BF16, 42), Devices.cpu(backend).kernels());
        SplittableRandom rng = new SplittableRandom(3);
        Tensor positive = random(rng, 1, config.textLen(), config.textDim());
        Tensor negative = random(rng, 1, config.textLen(), config.textDim());
        Tensor latent = Tensor.zeros(DType.F32, 1, config.outDim(), frames, height, width);
        KSamplerSettings sampling = KSamplerSettings.ksampler(7, steps, Double.parseDouble(opt.get("--cfg")), "euler", "simple", 1.0);
        System.out.printf("cache speed: Wan2.1 1.3B architecture (%d blocks, random bf16 weights), latent [1, 16, %d, %d, %d] "
                        + "(%d tokens), %d euler steps, cfg %s (2 DiT calls per step), %d threads%n",
                config.numLayers(), frames, height, width, frames * (height / 2) * (width / 2), steps, opt.get("--cfg"),
                backend.threads());

        // The first sampling of a process pays for the JIT, the attention timing and the first touch
        // of the weights: a short uncached one goes first and is not counted.
        sample(model, CachePolicy.NONE, latent, positive, negative,
                KSamplerSettings.ksampler(7, 2, sampling.cfg(), "euler", "simple", 1.0));
        List<Row> rows = new ArrayList<>();
        Sampled exact = sample(model, CachePolicy.NONE, latent, positive, negative, sampling);
        for (Map.Entry<String, CachePolicy> setting : settings(steps, config.numLayers()).entrySet()) {
            Sampled run = setting.getValue() == CachePolicy.NONE ? exact
                    : sample(model, setting.getValue(), latent, positive, negative, sampling);
            Row row = new Row(setting.getKey(), run.seconds(), exact.seconds() / run.seconds(), run.callsRun(),
                    2 * steps - run.callsRun(), TensorMetrics.relativeL2(run.latent(), exact.latent()));
            rows.add(row);
            System.out.printf("  %-52s %7.1f s  %5.2fx  DiT calls run %d of %d  latent rel-L2 %.3g%s%n", row.setting(),
                    row.seconds(), row.speedup(), row.callsComputed(), 2 * steps, row.latentRelativeL2(),
                    blocksLine(setting.getValue(), run.run()));
        }
        // The machine may have drifted over the runs: the uncached sampling again says by how much.
        Sampled again = sample(model, CachePolicy.NONE, latent, positive, negative, sampling);
        System.out.printf("  uncached again at the end: %.1f s (%+.1f%% against the first)%n", again.seconds(),
                100 * (again.seconds() / exact.seconds() - 1));
        return rows;
    }

    /** One timed sampling. */
    private record Sampled(float[] latent, double seconds, int callsRun, DenoisingRun run) { }

    private static Sampled sample(WanModel model, CachePolicy policy, Tensor latent, Tensor positive, Tensor negative,
                                  KSamplerSettings settings) {
        DenoisingRun[] seen = new DenoisingRun[1];
        int[] calls = new int[1];
        VelocityModel<Tensor> velocity = (x, timestep, context, call) -> {
            seen[0] = call.run();
            calls[0]++;
            return model.forward(x, new double[] {timestep}, context, null, policy.blockLoop(call), ActivationRecorder.NONE);
        };
        long start = System.nanoTime();
        float[] out = KSamplerRun.run(velocity, FlowModelSampling.wanDefault(), LatentFormat.WAN21, latent, null,
                positive, negative, settings, null, policy).toFloatArray();
        return new Sampled(out, (System.nanoTime() - start) / 1e9, calls[0], seen[0]);
    }

    /** The cond branch's block counts from a DiT-level cache report, when the policy gives them. */
    private static String blocksLine(CachePolicy policy, DenoisingRun run) {
        Map<String, Object> report = run == null ? null : policy.report(run);
        if (report == null || !(report.get("branches") instanceof Map<?, ?> branches)) return "";
        if (!(branches.get(GuidanceBranch.COND.name().toLowerCase()) instanceof Map<?, ?> cond)) return "";
        if (!(cond.get("blocks_computed") instanceof Number ran) || ran.longValue() == 0) return ""; // a call-level cache
        return "  (cond: blocks run " + cond.get("blocks_computed") + ", reused " + cond.get("blocks_reused") + ")";
    }

    private static Tensor random(SplittableRandom rng, long... shape) {
        Tensor t = Tensor.zeros(DType.F32, shape);
        for (long i = 0, n = t.numel(); i < n; i++) t.setFloat(i, (float) (rng.nextGaussian() * 0.5));
        return t;
    }
}
