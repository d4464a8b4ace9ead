package org.jcomfy.backend.cpu;

import java.lang.foreign.MemorySegment;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.jcomfy.backend.threads.CpuThreads;

/**
 * OpenBLAS's {@code cblas_sgemm}, loaded through JavaCPP's presets on first use. The library
 * picks its AVX2/AVX-512 kernels at run time. It is told to use one thread: every call comes
 * from a chunk of {@link CpuThreads}, which already keeps each core busy, and a second pool
 * of spinning OpenBLAS threads would only steal cycles from it.
 *
 * <p>When the native library cannot load (another OS, a missing classifier jar) the failure is
 * logged once and {@link #available()} answers false; callers then use {@link Gemm}'s Java
 * kernel ({@link CpuKernels} also offers that fallback on request, see {@code jcomfy.gemm}).
 */
final class OpenBlas {
    private OpenBlas() {}

    /** Whether the native library loaded (tried once, on the first question). */
    static boolean available() { return Loaded.OK; }

    /** Loads on first use only, so a run that forces the Java GEMM never touches native code. */
    private static final class Loaded {
        static final boolean OK = load();

        private static boolean load() {
            try {
                org.bytedeco.javacpp.Loader.load(openblas_nolapack.class);
                openblas_nolapack.blas_set_num_threads(1);
                return true;
            } catch (Throwable t) {
                System.getLogger(OpenBlas.class.getName()).log(System.Logger.Level.WARNING,
                        "OpenBLAS could not be loaded; using the Java Vector API GEMM", t);
                return false;
            }
        }
    }

    /** Sets OpenBLAS's own thread count (benchmarks use it to run the library as a peer). */
    static void setThreads(int threads) {
        if (!available()) throw new IllegalStateException("OpenBLAS is not loaded");
        openblas_nolapack.blas_set_num_threads(threads);
    }

    /**
     * Row-major {@code C = alpha · op(A) · op(B) + beta · C} on float32 segments, where
     * {@code op(A)} is {@code M×K} and {@code op(B)} is {@code K×N}; {@code transB} means B is
     * stored {@code N×K}. Offsets are in floats from each segment's start.
     */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      MemorySegment a, long aOffset, int lda,
                      MemorySegment b, long bOffset, int ldb, float beta,
                      MemorySegment c, long cOffset, int ldc) {
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                m, n, k, alpha,
                SegmentPointers.floats(a).position(aOffset), lda,
                SegmentPointers.floats(b).position(bOffset), ldb, beta,
                SegmentPointers.floats(c).position(cOffset), ldc);
    }
}
