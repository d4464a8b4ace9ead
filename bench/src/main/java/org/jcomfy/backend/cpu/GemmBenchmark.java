package org.jcomfy.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.jcomfy.backend.kernels.ReferenceKernels;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Floats;
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

/**
 * {@code CpuKernels.linear} at Wan 1.3B DiT shapes (4096 tokens, dim 1536, FFN 8960) with f32
 * and bf16 weights, against its peer: OpenBLAS {@code cblas_sgemm} called directly on the same
 * f32 data with all cores (OpenBLAS's own threads), writing into a preallocated output. The
 * linear benchmarks include what the kernel really costs: allocating the output and, for
 * bf16, widening the weight. Lives in the kernels' package to reach {@link OpenBlas}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class GemmBenchmark {
    @Param({"4096"})
    int m;
    @Param({"1536"})
    int k;
    @Param({"1536", "8960"})
    int n;

    private Tensor x, weightF32, weightBf16, peerOut;
    private CpuKernels kernels;
    private int cores;

    @Setup(Level.Trial)
    public void setUp() {
        x = fill(Tensor.zeros(DType.F32, m, k), 1);
        weightF32 = fill(Tensor.zeros(DType.F32, n, k), 2);
        weightBf16 = Tensor.zeros(DType.BF16, n, k);
        MemorySegment src = weightF32.data(), dst = weightBf16.data();
        for (long i = 0; i < (long) n * k; i++) {
            dst.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, Floats.floatToBf16(src.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i)));
        }
        peerOut = Tensor.zeros(DType.F32, m, n);
        cores = Runtime.getRuntime().availableProcessors();
        kernels = new CpuKernels(new CpuThreads(cores), new ReferenceKernels()::attention, true, true);
        if (!kernels.usesNativeBlas()) throw new IllegalStateException("OpenBLAS did not load");
    }

    /** Outputs are freed by the GC; collect between iterations so native memory stays bounded. */
    @TearDown(Level.Iteration)
    public void collect() {
        System.gc();
    }

    @Benchmark
    public Tensor peerOpenBlasSgemm() {
        OpenBlas.setThreads(cores);
        OpenBlas.sgemm(false, true, m, n, k, 1f, x.data(), 0, k, weightF32.data(), 0, k, 0f, peerOut.data(), 0, n);
        return peerOut;
    }

    @Benchmark
    public Tensor linearF32() {
        OpenBlas.setThreads(1);
        return kernels.linear(x, weightF32, null);
    }

    @Benchmark
    public Tensor linearBf16() {
        OpenBlas.setThreads(1);
        return kernels.linear(x, weightBf16, null);
    }

    /** Deterministic values in [-1, 1) without java.util.Random's cost on 10^7 elements. */
    static Tensor fill(Tensor t, long seed) {
        MemorySegment d = t.data();
        long state = seed * 0x9E3779B97F4A7C15L;
        for (long i = 0, count = t.numel(); i < count; i++) {
            state = state * 6364136223846793005L + 1442695040888963407L;
            d.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, ((state >>> 40) / (float) (1 << 24)) * 2 - 1);
        }
        return t;
    }
}
