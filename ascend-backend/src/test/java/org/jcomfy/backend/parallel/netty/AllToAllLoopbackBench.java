package org.jcomfy.backend.parallel.netty;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.jcomfy.backend.parallel.LocalProcessGroup;
import org.jcomfy.backend.parallel.ProcessGroup;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorScope;

/**
 * How fast the Ulysses all-to-all moves a DiT activation between two ranks over loopback Netty,
 * beside the in-process group: each rank holds 1,560 tokens x 1,536 features of float32 (Wan 1.3B
 * at 480p / 33 frames has 1,560 tokens per frame-group shard of this size) and keeps one half, sends
 * the other. Not a test (timings are not asserted); run it with the test classpath:
 *
 * <pre>
 * mvn -o -q -pl ascend-backend -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp
 * java -cp ascend-backend/target/test-classes:ascend-backend/target/classes:$(cat /tmp/cp) \
 *     org.jcomfy.backend.parallel.netty.AllToAllLoopbackBench [iterations]
 * </pre>
 */
public final class AllToAllLoopbackBench {
    private static final long TOKENS = 1560, DIM = 1536;

    private AllToAllLoopbackBench() {}

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        InetAddress lo = InetAddress.getLoopbackAddress();
        MeshOptions options = MeshOptions.DEFAULTS.withTimeout(Duration.ofSeconds(60));
        double netty;
        try (NettyMesh zero = NettyMesh.host(new InetSocketAddress(lo, 0), 2, options);
             NettyMesh one = NettyMesh.join(new InetSocketAddress(lo, zero.port()), 1, 2, options)) {
            CompletableFuture<Double> other = CompletableFuture.supplyAsync(() -> secondsPerCall(one.world(), iterations));
            netty = Math.max(secondsPerCall(zero.world(), iterations), other.get());
        }
        double local = LocalProcessGroup.run(2, g -> secondsPerCall(g, iterations)).stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        long sentPerRank = TOKENS / 2 * DIM * 4;
        System.out.printf(Locale.ROOT, "allToAll of [%d, %d] float32 split 2 ways: %.2f MB sent per rank per call, %d calls%n",
                TOKENS, DIM, sentPerRank / 1e6, iterations);
        report("netty loopback", netty, sentPerRank);
        report("in-process", local, sentPerRank);
    }

    private static void report(String what, double seconds, long sentPerRank) {
        System.out.printf(Locale.ROOT, "%-15s %8.2f ms per call, %8.1f MB/s per rank, %8.1f MB/s both ways%n",
                what, seconds * 1e3, sentPerRank / seconds / 1e6, 2 * sentPerRank / seconds / 1e6);
    }

    /** Median time of one all-to-all, after a warm-up of a quarter as many calls. */
    private static double secondsPerCall(ProcessGroup g, int iterations) {
        Tensor full = Tensor.zeros(DType.F32, TOKENS, DIM);
        for (long i = 0; i < full.numel(); i += 97) full.setFloat(i, i);
        List<Tensor> halves = List.of(full.narrow(0, TOKENS / 2), full.narrow(TOKENS / 2, TOKENS));
        List<Double> times = new ArrayList<>();
        for (int i = -iterations / 4; i < iterations; i++) {
            try (TensorScope scope = TensorScope.open()) {
                g.barrier();
                long start = System.nanoTime();
                g.allToAll(halves);
                if (i >= 0) times.add((System.nanoTime() - start) / 1e9);
            }
        }
        times.sort(null);
        return times.get(times.size() / 2);
    }
}
