package org.jcomfy.nodes.models.parallel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.jcomfy.backend.cpu.CpuDevice;
import org.jcomfy.backend.device.BackendOptions;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.parallel.LocalProcessGroup;
import org.jcomfy.backend.parallel.ProcessGroup;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorMetrics;
import org.jcomfy.nodes.models.ActivationRecorder;
import org.jcomfy.nodes.models.BlockLoop;
import org.jcomfy.nodes.models.SequenceParallel;
import org.jcomfy.nodes.models.wan.dit.WanConfig;
import org.jcomfy.nodes.models.wan.dit.WanDitBenchmark;
import org.jcomfy.nodes.models.wan.dit.WanModel;
import org.jcomfy.nodes.models.wan.dit.WanWeights;

/**
 * The in-process cost of sequence parallelism on the Wan2.1 1.3B architecture (random bf16
 * weights, few layers): one rank on a pool of {@code ranks} threads against {@code ranks} ranks on
 * one thread each, Ulysses and Ring, the median forward of {@code --runs} after one uncounted
 * warm-up, with the bytes each rank sends per forward. Not part of the test suite. Arguments:
 * {@code --layers N --latent FxHxW --ranks N --runs N}.
 */
public final class SequenceParallelBenchmark {
    private SequenceParallelBenchmark() {}

    public static void main(String[] args) {
        int layers = 2, ranks = 2, runs = 3;
        String latent = "3x30x52";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--layers" -> layers = Integer.parseInt(args[i + 1]);
                case "--ranks" -> ranks = Integer.parseInt(args[i + 1]);
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--latent" -> latent = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; options: --layers --latent --ranks --runs");
            }
        }
        WanConfig config = WanConfig.t2v1_3B().withNumLayers(layers);
        long[] fhw = Arrays.stream(latent.split("x")).mapToLong(Long::parseLong).toArray();
        long tokens = fhw[0] * (fhw[1] / 2) * (fhw[2] / 2);
        WanWeights weights = WanDitBenchmark.randomModelWeights(config, DType.BF16, 42);
        SplittableRandom rng = new SplittableRandom(7);
        Tensor x = random(rng, 1, config.inDim(), fhw[0], fhw[1], fhw[2]);
        Tensor context = random(rng, 1, config.textLen(), config.textDim());
        System.out.printf("Wan 1.3B architecture, %d layers, latent %s -> %d tokens, %d ranks, median of %d runs%n",
                layers, latent, tokens, ranks, runs);

        Kernels pool = new CpuDevice(BackendOptions.defaults().withThreads(ranks)).kernels();
        WanModel whole = new WanModel(config, weights, pool);
        List<Double> times = new ArrayList<>();
        Tensor single = null;
        for (int r = 0; r <= runs; r++) {
            long t0 = System.nanoTime();
            single = whole.forward(x, new double[] {999}, context);
            if (r > 0) times.add((System.nanoTime() - t0) / 1e9);
        }
        double base = median(times);
        System.out.printf("1 rank x %d threads: %.2f s per forward%n", ranks, base);

        long shard = (tokens + ranks - 1) / ranks, dim = config.dim();
        // Ulysses: q, k, v and the output, each [shard, D] float32, (n-1)/n of it to other ranks, per block.
        long ulyssesBytes = 4L * shard * dim * 4 * (ranks - 1) / ranks * layers;
        // Ring: k and v shards, [shard, D] float32, forwarded n-1 times per block.
        long ringBytes = 2L * shard * dim * 4 * (ranks - 1) * layers;
        long gatherBytes = shard * dim * 4;   // the all-gather before the head: this rank's rows to each other rank
        Tensor reference = single;
        for (var plan : List.<Plan>of(new Plan("Ulysses", UspParallel::ulysses, ulyssesBytes),
                new Plan("Ring", UspParallel::ring, ringBytes))) {
            int n = ranks, count = runs;
            List<List<Double>> perRank = LocalProcessGroup.run(n, g -> {
                WanModel mine = new WanModel(config, weights, new CpuDevice(BackendOptions.defaults().withThreads(1)).kernels());
                List<Double> t = new ArrayList<>();
                for (int r = 0; r <= count; r++) {
                    g.barrier();
                    long t0 = System.nanoTime();
                    Tensor out = mine.forward(x, new double[] {999}, context, null, BlockLoop.EVERY_BLOCK, plan.of().apply(g),
                            ActivationRecorder.NONE);
                    if (r > 0) t.add((System.nanoTime() - t0) / 1e9);
                    if (r == count && g.rank() == 0) {
                        System.out.printf("  %s relative L2 against 1 rank: %.2e%n", plan.name(), TensorMetrics.relativeL2(out, reference));
                    }
                }
                return t;
            });
            double seconds = median(perRank.get(0));
            System.out.printf("%s %d ranks x 1 thread: %.2f s per forward (%.2fx the 1-rank time); each rank sends %.1f MB per forward"
                    + " in attention + %.1f MB in the final gather (float32)%n", plan.name(), ranks, seconds, seconds / base,
                    plan.bytes() / 1e6, gatherBytes * (ranks - 1) / 1e6);
        }
    }

    private record Plan(String name, Function<ProcessGroup, SequenceParallel> of, long bytes) {}

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static Tensor random(SplittableRandom rng, long... shape) {
        Tensor t = Tensor.zeros(DType.F32, shape);
        for (long i = 0; i < t.numel(); i++) t.setFloat(i, (float) (rng.nextDouble() * 2 - 1));
        return t;
    }
}
