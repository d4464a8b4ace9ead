package org.jcomfy.nodes.models.wan.dit;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.jcomfy.backend.device.BackendOptions;
import org.jcomfy.backend.device.Device;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Floats;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.wan.weights.WeightSource;

/**
 * Times one DiT forward of the real Wan2.1 1.3B architecture (dim 1536, 12 heads, ffn 8960,
 * text 4096 × 512 rows, freq 256) on random weights; not part of the test suite.
 *
 * <pre>
 *   java ... org.jcomfy.nodes.models.wan.dit.WanDitBenchmark [--dtype bf16|f32] [--layers 30]
 *        [--latent 5x24x52] [--device cpu] [--runs 1]
 * </pre>
 * The default latent {@code [16, 5, 24, 52]} gives 5 × 12 × 26 = 1,560 tokens. Reports seconds
 * per forward, GFLOP/s over the analytic FLOP count of the matmuls and attention, and the
 * share of time in linear, attention and everything else (measured by {@link TimedKernels}).
 */
public final class WanDitBenchmark {
    private WanDitBenchmark() {}

    public static void main(String[] args) {
        run(args, BackendOptions.fromSystemProperties());
    }

    /** One benchmark with the device set up as {@code backend} says ({@code --device} picks which device). */
    public static void run(String[] args, BackendOptions backend) {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("--dtype", "bf16", "--layers", "30",
                "--latent", "5x24x52", "--device", "cpu", "--runs", "1"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!opt.containsKey(args[i])) throw new IllegalArgumentException("unknown option " + args[i] + "; options: " + opt);
            opt.put(args[i], args[i + 1]);
        }
        DType dtype = switch (opt.get("--dtype")) {
            case "bf16" -> DType.BF16;
            case "f32" -> DType.F32;
            default -> throw new IllegalArgumentException("--dtype must be bf16 or f32");
        };
        WanConfig config = WanConfig.t2v1_3B().withNumLayers(Integer.parseInt(opt.get("--layers")));
        String[] lat = opt.get("--latent").split("x");
        long frames = Long.parseLong(lat[0]), height = Long.parseLong(lat[1]), width = Long.parseLong(lat[2]);
        long tokens = frames * (height / 2) * (width / 2);
        Device device = Devices.get(opt.get("--device"), backend);
        TimedKernels kernels = new TimedKernels(device.kernels());

        System.out.printf("Wan DiT benchmark: %s, weights %s, device %s (%s)%n", config, dtype, device.id(), device.description());
        long t0 = System.nanoTime();
        WanWeights weights = randomModelWeights(config, dtype, 42);
        System.out.printf("random weights: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        WanModel model = new WanModel(config, weights, kernels);

        SplittableRandom rng = new SplittableRandom(7);
        Tensor x = random(rng, DType.F32, 1f, 1, config.inDim(), frames, height, width);
        Tensor context = random(rng, DType.F32, 1f, 1, config.textLen(), config.textDim());
        double flops = forwardFlops(config, tokens, config.textLen());
        System.out.printf("latent [1, %d, %d, %d, %d] -> %d tokens; %.1f GFLOP per forward (matmuls + attention)%n",
                config.inDim(), frames, height, width, tokens, flops / 1e9);

        for (int run = 0, runs = Integer.parseInt(opt.get("--runs")); run < runs; run++) {
            kernels.reset();
            long start = System.nanoTime();
            Tensor out = model.forward(x, new double[] {999}, context);
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Double> perKernel = kernels.seconds();
            double linear = perKernel.getOrDefault("linear", 0.0), attention = perKernel.getOrDefault("attention", 0.0);
            double rest = seconds - linear - attention;
            System.out.printf("run %d: %.2f s per forward, %.2f GFLOP/s; linear %.1f%%, attention %.1f%%, rest %.1f%%"
                            + " (output absmax %.3g)%n", run, seconds, flops / seconds / 1e9,
                    100 * linear / seconds, 100 * attention / seconds, 100 * rest / seconds, absMax(out));
            System.out.println("  seconds per kernel: " + perKernel);
        }
    }

    /**
     * Multiply-adds × 2 of one forward at batch 1: patch embedding, text and time MLPs, per block
     * the 8 attention projections (q/o over video tokens, k/v of cross-attention over text rows),
     * QKᵀ and PV of both attentions, the FFN, then the head. Element-wise work is not counted.
     */
    static double forwardFlops(WanConfig c, long tokens, long textRows) {
        double d = c.dim(), l = tokens, lt = textRows;
        double embed = 2 * l * c.patchInFeatures() * d + 2 * lt * (c.textDim() * d + d * d)
                + 2 * (c.freqDim() * d + d * d + d * 6 * d);
        double selfAttn = 4 * 2 * l * d * d + 4 * l * l * d;
        double crossAttn = 2 * 2 * l * d * d + 2 * 2 * lt * d * d + 4 * l * lt * d;
        double ffn = 2 * 2 * l * d * c.ffnDim();
        double head = 2 * l * d * c.patchOutFeatures();
        return embed + c.numLayers() * (selfAttn + crossAttn + ffn) + head;
    }

    /** Random weights of {@code config} (see {@link #randomWeights}), loaded as a model's. */
    public static WanWeights randomModelWeights(WanConfig config, DType dtype, long seed) {
        return WanWeights.load(WeightSource.of("random " + dtype, randomWeights(config, dtype, seed)), config);
    }

    /** Every tensor of the checkpoint layout, uniform in ±1/√fan_in (norm weights 1), in {@code dtype}. */
    static Map<String, Tensor> randomWeights(WanConfig config, DType dtype, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        WanWeights.expectedShapes(config).forEach((key, shape) -> {
            long fanIn = 1;
            for (int i = 1; i < shape.length; i++) fanIn *= shape[i];
            boolean norm = key.contains("norm");
            float bound = key.endsWith("modulation") ? 0.1f : shape.length == 1 ? 0.01f : (float) (1 / Math.sqrt(fanIn));
            Tensor t = random(rng, dtype, bound, shape);
            if (norm && key.endsWith(".weight")) for (long i = 0; i < t.numel(); i++) t.setFloat(i, 1f);
            out.put(key, t);
        });
        return out;
    }

    private static Tensor random(SplittableRandom rng, DType dtype, float bound, long... shape) {
        Tensor t = Tensor.zeros(dtype, shape);
        MemorySegment data = t.data();
        for (long i = 0, n = t.numel(); i < n; i++) {
            float v = (float) ((rng.nextDouble() * 2 - 1) * bound);
            if (dtype == DType.BF16) data.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, Floats.floatToBf16(v));
            else data.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, v);
        }
        return t;
    }

    private static double absMax(Tensor t) {
        double m = 0;
        for (long i = 0, n = t.numel(); i < n; i++) m = Math.max(m, Math.abs(t.getFloat(i)));
        return m;
    }
}
