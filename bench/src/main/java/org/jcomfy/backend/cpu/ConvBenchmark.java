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

/**
 * {@code CpuKernels.conv3d} with a Wan VAE decoder 3×3×3 convolution (96 → 96 channels, zero
 * padding 1) against its peer: one OpenBLAS sgemm of the same {@code [O, Kc] · [Kc, P]} size
 * on already-unfolded columns with all cores, i.e. the convolution minus the im2col work.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ConvBenchmark {
    @Param({"96"})
    int channels;
    @Param({"3"})
    int frames;
    @Param({"64"})
    int size;

    private Tensor x, weight, bias, columns, peerOut;
    private CpuKernels kernels;
    private int cores, kc, positions;

    @Setup(Level.Trial)
    public void setUp() {
        x = GemmBenchmark.fill(Tensor.zeros(DType.F32, 1, channels, frames, size, size), 1);
        weight = GemmBenchmark.fill(Tensor.zeros(DType.F32, channels, channels, 3, 3, 3), 2);
        bias = GemmBenchmark.fill(Tensor.zeros(DType.F32, channels), 3);
        kc = channels * 27;
        positions = frames * size * size;
        columns = GemmBenchmark.fill(Tensor.zeros(DType.F32, kc, positions), 4);
        peerOut = Tensor.zeros(DType.F32, channels, positions);
        cores = Runtime.getRuntime().availableProcessors();
        kernels = new CpuKernels(new CpuThreads(cores), new ReferenceKernels()::attention, true, true);
    }

    @TearDown(Level.Iteration)
    public void collect() {
        System.gc();
    }

    @Benchmark
    public Tensor conv3d() {
        OpenBlas.setThreads(1);
        return kernels.conv3d(x, weight, bias, new int[] {1, 1, 1}, new int[] {1, 1, 1});
    }

    @Benchmark
    public Tensor peerOpenBlasSgemmOnColumns() {
        OpenBlas.setThreads(cores);
        OpenBlas.sgemm(false, false, channels, positions, kc, 1f, weight.data(), 0, kc,
                columns.data(), 0, positions, 0f, peerOut.data(), 0, positions);
        return peerOut;
    }
}
