package org.jcomfy.backend.cpu;

import java.util.concurrent.TimeUnit;
import org.jcomfy.backend.kernels.ReferenceKernels;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.threads.CpuThreads;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** The pure-Java Vector API fallback GEMM behind {@code linear}, f32 weights, DiT attention shape. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
public class JavaGemmBenchmark {
    @Param({"4096"})
    int m;
    @Param({"1536"})
    int k;
    @Param({"1536"})
    int n;

    private Tensor x, weight;
    private CpuKernels kernels;

    @Setup(Level.Trial)
    public void setUp() {
        x = GemmBenchmark.fill(Tensor.zeros(DType.F32, m, k), 1);
        weight = GemmBenchmark.fill(Tensor.zeros(DType.F32, n, k), 2);
        kernels = new CpuKernels(new CpuThreads(Runtime.getRuntime().availableProcessors()), new ReferenceKernels()::attention, true, false);
    }

    @TearDown(Level.Iteration)
    public void collect() {
        System.gc();
    }

    @Benchmark
    public Tensor linearF32JavaGemm() {
        return kernels.linear(x, weight, null);
    }
}
