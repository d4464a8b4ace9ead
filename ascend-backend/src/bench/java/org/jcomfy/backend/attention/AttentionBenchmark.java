package org.jcomfy.backend.attention;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.threads.CpuThreads;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of each attention implementation on Wan2.1-1.3B's self-attention shape scaled
 * down to S=4096: B=1, 12 heads, head dim 128, no bias. One call is one measured shot;
 * GFLOP/s = 4·S²·H·d / (seconds per call) / 1e9.
 *
 * <p>Run with {@code bench/attention.sh}, or
 * {@code mvn -B -pl ascend-backend -am -P bench-attention verify -DskipTests -Djmh.args='AttentionBenchmark'}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class AttentionBenchmark {
    @Param({"flash", "naive"})
    public String implementation;

    @Param({"4096"})
    public int sequence;

    @Param({"12"})
    public int heads;

    @Param({"128"})
    public int headDim;

    @Param({"2"})
    public int threads;

    private AttentionImplementation attention;
    private Tensor q, k, v;
    private float scale;

    @Setup
    public void setUp() {
        attention = BenchmarkInputs.implementation(implementation, threads, Long.MAX_VALUE);
        q = BenchmarkInputs.random(1, 1, sequence, heads, headDim);
        k = BenchmarkInputs.random(2, 1, sequence, heads, headDim);
        v = BenchmarkInputs.random(3, 1, sequence, heads, headDim);
        scale = (float) (1 / Math.sqrt(headDim));
    }

    @Benchmark
    public Tensor attention(ProcessCpuTime cpu) {
        long start = ProcessCpuTime.now();
        Tensor out = attention.compute(q, k, v, null, scale);
        cpu.add(start);
        return out;
    }

    /** Inputs and implementations shared by the attention benchmarks. */
    static final class BenchmarkInputs {
        private BenchmarkInputs() {}

        static AttentionImplementation implementation(String name, int threads, long naiveMaxScoreBytes) {
            CpuThreads pool = new CpuThreads(threads);
            return switch (name) {
                case FlashAttention.NAME -> new FlashAttention(64, FlashAttention.KEY_BLOCK_BY_HEAD_DIM, pool);
                case NaiveAttention.NAME -> new NaiveAttention(naiveMaxScoreBytes, pool);
                default -> throw new IllegalArgumentException("unknown attention implementation " + name);
            };
        }

        static Tensor random(long seed, long... shape) {
            SplittableRandom rnd = new SplittableRandom(seed);
            float[] values = new float[Math.toIntExact(Tensor.count(shape))];
            for (int i = 0; i < values.length; i++) values[i] = (float) rnd.nextDouble(-1, 1);
            return Tensor.of(values, shape);
        }
    }
}
