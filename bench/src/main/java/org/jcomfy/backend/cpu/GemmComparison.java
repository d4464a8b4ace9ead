package org.jcomfy.backend.cpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jcomfy.backend.kernels.ReferenceKernels;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Floats;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.threads.CpuThreads;

/**
 * The GEMM comparison of {@link GemmBenchmark} run interleaved in one JVM: every round times
 * the peer (OpenBLAS sgemm, all cores), linear with f32 weights and linear with bf16 weights
 * once each, in rotating order, with a pause between runs so OpenBLAS's spinning threads
 * settle. On a machine shared with other work, JMH's one-benchmark-after-another numbers
 * drift with the load; interleaving exposes all three to the same load, so the ratios of
 * their best and median times are the figures to trust.
 *
 * <p>Usage: {@code bench/jmh paired [rounds] [N...]} (defaults: 7 rounds, N = 1536 8960); the
 * system property {@code jcomfy.bench.threads} (through {@code JAVA_OPTS}) sets the thread
 * count of both sides (default: all cores).
 */
public final class GemmComparison {
    private static final int M = 4096, K = 1536;

    public static void main(String[] args) throws InterruptedException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int[] ns = args.length > 1 ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray() : new int[] {1536, 8960};
        int cores = Integer.getInteger("jcomfy.bench.threads", Runtime.getRuntime().availableProcessors());
        CpuKernels kernels = new CpuKernels(new CpuThreads(cores), new ReferenceKernels()::attention, true, true);
        System.out.printf("cores=%d, kernels=%s, M=%d K=%d, rounds=%d%n", cores, kernels, M, K, rounds);
        Tensor x = GemmBenchmark.fill(Tensor.zeros(DType.F32, M, K), 1);
        for (int n : ns) {
            Tensor w = GemmBenchmark.fill(Tensor.zeros(DType.F32, n, K), 2);
            Tensor wb = Tensor.zeros(DType.BF16, n, K);
            for (long i = 0; i < (long) n * K; i++) wb.data().setAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, i, Floats.floatToBf16(w.getFloat(i)));
            Tensor c = Tensor.zeros(DType.F32, M, n);
            Map<String, Supplier<Tensor>> runs = new LinkedHashMap<>();
            runs.put("peer sgemm", () -> {
                OpenBlas.setThreads(cores);
                OpenBlas.sgemm(false, true, M, n, K, 1f, x.data(), 0, K, w.data(), 0, K, 0f, c.data(), 0, n);
                return c;
            });
            runs.put("linear f32", () -> { OpenBlas.setThreads(1); return kernels.linear(x, w, null); });
            runs.put("linear bf16", () -> { OpenBlas.setThreads(1); return kernels.linear(x, wb, null); });
            List<String> names = new ArrayList<>(runs.keySet());
            Map<String, List<Double>> times = new LinkedHashMap<>();
            names.forEach(name -> times.put(name, new ArrayList<>()));
            for (int r = -2; r < rounds; r++) { // two warm-up rounds
                for (int i = 0; i < names.size(); i++) {
                    String name = names.get((i + Math.max(r, 0)) % names.size());
                    System.gc();
                    Thread.sleep(300);
                    long t0 = System.nanoTime();
                    runs.get(name).get();
                    double s = (System.nanoTime() - t0) / 1e9;
                    if (r >= 0) times.get(name).add(s);
                }
            }
            double flops = 2.0 * M * n * K;
            double peerBest = min(times.get("peer sgemm")), peerMedian = median(times.get("peer sgemm"));
            System.out.printf("%nN=%d (%.1f GFLOP per call)%n", n, flops / 1e9);
            System.out.printf("%-12s %10s %10s %10s %10s %9s %9s%n", "", "best ms", "median ms", "best GF/s", "med GF/s", "best/peer", "med/peer");
            for (String name : names) {
                double best = min(times.get(name)), med = median(times.get(name));
                System.out.printf("%-12s %10.1f %10.1f %10.1f %10.1f %8.0f%% %8.0f%%%n", name, best * 1e3, med * 1e3,
                        flops / best / 1e9, flops / med / 1e9, 100 * peerBest / best, 100 * peerMedian / med);
            }
        }
    }

    private static double min(List<Double> v) { return v.stream().mapToDouble(Double::doubleValue).min().orElseThrow(); }

    private static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
