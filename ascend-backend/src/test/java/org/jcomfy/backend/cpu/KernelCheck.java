package org.jcomfy.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import org.jcomfy.backend.kernels.ReferenceKernels;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorMetrics;
import org.jcomfy.backend.threads.CpuThreads;

/** Shared pieces of the CPU kernel tests: the variants under test, random tensors, the comparison. */
final class KernelCheck {
    private KernelCheck() {}

    static final ReferenceKernels REFERENCE = new ReferenceKernels();

    /** Three threads, so that work splits unevenly. */
    private static final CpuThreads THREADS = new CpuThreads(3);
    /** One per core, as the device runs. */
    private static final CpuThreads MACHINE = new CpuThreads(Runtime.getRuntime().availableProcessors());

    /** Every path: vectors or scalar loops, OpenBLAS or the Java GEMM. */
    static List<CpuKernels> variants() {
        return List.of(
                new CpuKernels(THREADS, REFERENCE::attention, true, true),
                new CpuKernels(THREADS, REFERENCE::attention, true, false),
                new CpuKernels(THREADS, REFERENCE::attention, false, false),
                new CpuKernels(MACHINE, REFERENCE::attention, false, true));
    }

    static Tensor random(long seed, long... shape) {
        return random(seed, DType.F32, shape);
    }

    /** Uniform values in [-1, 1) stored as {@code dtype} (f8_e5m2 from random finite bytes). */
    static Tensor random(long seed, DType dtype, long... shape) {
        Random rnd = new Random(seed);
        Tensor t = Tensor.zeros(dtype, shape);
        for (long i = 0, n = t.numel(); i < n; i++) {
            if (dtype == DType.F8_E5M2) {
                int b;
                do { b = rnd.nextInt(256); } while (((b >> 2) & 0x1f) == 0x1f || ((b >> 2) & 0x1f) > 16);
                t.data().set(ValueLayout.JAVA_BYTE, i, (byte) b);
            } else {
                t.setFloat(i, rnd.nextFloat() * 2 - 1);
            }
        }
        return t;
    }

    /** Same shape, float32, NaN where the reference has NaN, and relative L2 error within {@code tolerance}. */
    static void assertClose(Tensor expected, Tensor actual, double tolerance, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertTrue(actual.dtype() == DType.F32 || !expected.dtype().isFloatingPoint(), what + ": dtype " + actual.dtype());
        double rel = TensorMetrics.relativeL2(actual, expected);
        assertTrue(rel <= tolerance, what + ": relative L2 error " + rel + " > " + tolerance);
    }
}
