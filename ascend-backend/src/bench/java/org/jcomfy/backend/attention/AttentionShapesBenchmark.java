package org.jcomfy.backend.attention;

import java.util.concurrent.TimeUnit;
import org.jcomfy.backend.tensor.Tensor;
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
 * The other shapes the models send, scaled to the build machine, to check the static rule
 * table ({@link AttentionRule#defaults()}):
 * <ul>
 *   <li>{@code t5}: the UMT5-XXL encoder, 512 tokens, 64 heads of 64, a [1, H, S, S] position bias, scale 1;</li>
 *   <li>{@code cross}: Wan cross-attention, 4096 video tokens to 512 text tokens, 12 heads of 128;</li>
 *   <li>{@code vae}: the VAE mid-block, one head of 384 channels over 2048 pixels;</li>
 *   <li>{@code short}: self-attention over 1024 tokens, 12 heads of 128.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 10)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class AttentionShapesBenchmark {
    @Param({"flash", "naive"})
    public String implementation;

    @Param({"t5", "cross", "vae", "short"})
    public String shape;

    @Param({"2"})
    public int threads;

    private AttentionImplementation attention;
    private Tensor q, k, v, bias;
    private float scale;

    @Setup
    public void setUp() {
        attention = AttentionBenchmark.BenchmarkInputs.implementation(implementation, threads, NaiveAttention.DEFAULT_MAX_SCORE_BYTES);
        // batch, queries, keys, heads, head dim, bias?
        int[] s = switch (shape) {
            case "t5" -> new int[] {1, 512, 512, 64, 64, 1};
            case "cross" -> new int[] {1, 4096, 512, 12, 128, 0};
            case "vae" -> new int[] {1, 2048, 2048, 1, 384, 0};
            case "short" -> new int[] {1, 1024, 1024, 12, 128, 0};
            default -> throw new IllegalArgumentException("unknown shape " + shape);
        };
        q = AttentionBenchmark.BenchmarkInputs.random(1, s[0], s[1], s[3], s[4]);
        k = AttentionBenchmark.BenchmarkInputs.random(2, s[0], s[2], s[3], s[4]);
        v = AttentionBenchmark.BenchmarkInputs.random(3, s[0], s[2], s[3], s[4]);
        bias = s[5] == 1 ? AttentionBenchmark.BenchmarkInputs.random(4, 1, s[3], s[1], s[2]) : null;
        scale = s[5] == 1 ? 1f : (float) (1 / Math.sqrt(s[4]));
    }

    @Benchmark
    public Tensor attention(ProcessCpuTime cpu) {
        long start = ProcessCpuTime.now();
        Tensor out = attention.compute(q, k, v, bias, scale);
        cpu.add(start);
        return out;
    }
}
