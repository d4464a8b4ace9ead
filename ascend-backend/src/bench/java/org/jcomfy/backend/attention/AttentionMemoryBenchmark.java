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
 * Memory of one long single-head call (the VAE's shape class, and Wan's longest sequences per
 * head): run with {@code -prof gc}, whose {@code gc.alloc.rate.norm} is the heap allocated per
 * call. Both implementations allocate their working memory once per call (packed keys and
 * values of one head, per-thread blocks, and for naive the score matrix), so allocation per
 * call is also their peak working heap. The output tensor (S·Dv·4 bytes off-heap) is the same
 * for both and not counted.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx6g"})
public class AttentionMemoryBenchmark {
    @Param({"flash", "naive"})
    public String implementation;

    @Param({"8192", "16384", "32760"})
    public int sequence;

    @Param({"2"})
    public int threads;

    private AttentionImplementation attention;
    private Tensor q, k, v;

    @Setup
    public void setUp() {
        attention = AttentionBenchmark.BenchmarkInputs.implementation(implementation, threads, Long.MAX_VALUE);
        q = AttentionBenchmark.BenchmarkInputs.random(1, 1, sequence, 1, 128);
        k = AttentionBenchmark.BenchmarkInputs.random(2, 1, sequence, 1, 128);
        v = AttentionBenchmark.BenchmarkInputs.random(3, 1, sequence, 1, 128);
    }

    @Benchmark
    public Tensor attention(ProcessCpuTime cpu) {
        long start = ProcessCpuTime.now();
        Tensor out = attention.compute(q, k, v, null, 0.088f);
        cpu.add(start);
        return out;
    }
}
