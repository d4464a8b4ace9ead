package org.jcomfy.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.jcomfy.backend.threads.CpuThreads;

/**
 * Single-threaded float32 matrix multiply on segments, row-major:
 * {@code C = alpha · A · op(B) + beta · C} with A {@code M×K} and B stored either {@code N×K}
 * ({@code transB}, the layout of a linear layer's weight) or {@code K×N} (im2col columns).
 * {@link #multiply} sends the work to OpenBLAS when the caller asks for it and it loaded, and
 * otherwise runs the Java Vector API kernels below, which are the fallback, not the fast path.
 * Callers split big problems across {@link CpuThreads} and call this once per chunk. Public so
 * that kernels outside this package (attention) can reuse it; segments must be off-heap when
 * {@code nativeBlas} is set.
 */
public final class Gemm {
    private Gemm() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Rows of B kept hot in cache while every row tile of A passes over them (N×K layout). */
    private static final int B_ROWS_PER_BLOCK = 64;

    /** Whether OpenBLAS loaded, so that {@code nativeBlas = true} will use it. */
    public static boolean nativeAvailable() { return OpenBlas.available(); }

    /**
     * The whole contract, offsets in floats; runs on OpenBLAS when {@code nativeBlas} is set and
     * it loaded, otherwise on the Java kernels ({@code simd = false}: the plain triple loop).
     */
    public static void multiply(boolean nativeBlas, boolean simd, boolean transB, int m, int n, int k, float alpha,
                         MemorySegment a, long aOff, int lda, MemorySegment b, long bOff, int ldb,
                         float beta, MemorySegment c, long cOff, int ldc) {
        if (m == 0 || n == 0) return;
        if (nativeBlas && OpenBlas.available()) {
            OpenBlas.sgemm(false, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else if (!simd) {
            scalar(transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else if (transB) {
            vectorNT(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            vectorNN(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /** The plain triple loop: the scalar path and the picture of what the others compute. */
    private static void scalar(boolean transB, int m, int n, int k, float alpha, MemorySegment a, long aOff, int lda,
                               MemorySegment b, long bOff, int ldb, float beta, MemorySegment c, long cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = 0;
                for (int p = 0; p < k; p++) {
                    float bv = transB ? b.getAtIndex(FLOAT, bOff + (long) j * ldb + p) : b.getAtIndex(FLOAT, bOff + (long) p * ldb + j);
                    acc += a.getAtIndex(FLOAT, aOff + (long) i * lda + p) * bv;
                }
                store(c, cOff + (long) i * ldc + j, alpha * acc, beta);
            }
        }
    }

    private static void store(MemorySegment c, long index, float value, float beta) {
        c.setAtIndex(FLOAT, index, beta == 0 ? value : value + beta * c.getAtIndex(FLOAT, index));
    }

    // ---- B stored N×K: every output is a dot product of two contiguous rows ------------------

    private static void vectorNT(int m, int n, int k, float alpha, MemorySegment a, long aOff, int lda,
                                 MemorySegment b, long bOff, int ldb, float beta, MemorySegment c, long cOff, int ldc) {
        int m4 = m - m % 4;
        for (int j0 = 0; j0 < n; j0 += B_ROWS_PER_BLOCK) {
            int j1 = Math.min(n, j0 + B_ROWS_PER_BLOCK);
            int j4 = j0 + (j1 - j0) / 4 * 4;
            for (int i = 0; i < m4; i += 4) {
                for (int j = j0; j < j4; j += 4) tile4x4(i, j, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                for (int j = j4; j < j1; j++) {
                    for (int r = 0; r < 4; r++) dotInto(i + r, j, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                }
            }
            for (int i = m4; i < m; i++) {
                for (int j = j0; j < j1; j++) dotInto(i, j, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            }
        }
    }

    /** Sixteen outputs (4 rows of A against 4 rows of B) with sixteen vector accumulators. */
    private static void tile4x4(int i, int j, int k, float alpha, MemorySegment a, long aOff, int lda,
                                MemorySegment b, long bOff, int ldb, float beta, MemorySegment c, long cOff, int ldc) {
        long a0 = (aOff + (long) i * lda) * 4, a1 = a0 + lda * 4L, a2 = a1 + lda * 4L, a3 = a2 + lda * 4L;
        long b0 = (bOff + (long) j * ldb) * 4, b1 = b0 + ldb * 4L, b2 = b1 + ldb * 4L, b3 = b2 + ldb * 4L;
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int bound = F.loopBound(k);
        for (int p = 0; p < bound; p += F.length()) {
            long off = p * 4L;
            FloatVector w0 = FloatVector.fromMemorySegment(F, b, b0 + off, LE);
            FloatVector w1 = FloatVector.fromMemorySegment(F, b, b1 + off, LE);
            FloatVector w2 = FloatVector.fromMemorySegment(F, b, b2 + off, LE);
            FloatVector w3 = FloatVector.fromMemorySegment(F, b, b3 + off, LE);
            FloatVector x = FloatVector.fromMemorySegment(F, a, a0 + off, LE);
            c00 = x.fma(w0, c00); c01 = x.fma(w1, c01); c02 = x.fma(w2, c02); c03 = x.fma(w3, c03);
            x = FloatVector.fromMemorySegment(F, a, a1 + off, LE);
            c10 = x.fma(w0, c10); c11 = x.fma(w1, c11); c12 = x.fma(w2, c12); c13 = x.fma(w3, c13);
            x = FloatVector.fromMemorySegment(F, a, a2 + off, LE);
            c20 = x.fma(w0, c20); c21 = x.fma(w1, c21); c22 = x.fma(w2, c22); c23 = x.fma(w3, c23);
            x = FloatVector.fromMemorySegment(F, a, a3 + off, LE);
            c30 = x.fma(w0, c30); c31 = x.fma(w1, c31); c32 = x.fma(w2, c32); c33 = x.fma(w3, c33);
        }
        finish(c00, i, j, bound, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        finish(c01, i, j + 1, bound, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        finish(c02, i, j + 2, bound, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        finish(c03, i, j + 3, bound, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        finish(c10, i + 1, j, bound, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        finish(c11, i + 1, j + 1, bound, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        finish(c12, i + 1, j + 2, bound, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        finish(c13, i + 1, j + 3, bound, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        finish(c20, i + 2, j, bound, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        finish(c21, i + 2, j + 1, bound, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        finish(c22, i + 2, j + 2, bound, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        finish(c23, i + 2, j + 3, bound, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        finish(c30, i + 3, j, bound, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        finish(c31, i + 3, j + 1, bound, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        finish(c32, i + 3, j + 2, bound, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        finish(c33, i + 3, j + 3, bound, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** Sums one accumulator's lanes, adds the scalar tail of the dot product and stores it. */
    private static void finish(FloatVector acc, int i, int j, int bound, int k, float alpha, MemorySegment a, long aOff, int lda,
                               MemorySegment b, long bOff, int ldb, float beta, MemorySegment c, long cOff, int ldc) {
        float sum = Lanes.sum(acc);
        long ar = aOff + (long) i * lda, br = bOff + (long) j * ldb;
        for (int p = bound; p < k; p++) sum += a.getAtIndex(FLOAT, ar + p) * b.getAtIndex(FLOAT, br + p);
        store(c, cOff + (long) i * ldc + j, alpha * sum, beta);
    }

    /** One output: the edge rows and columns that do not fill a 4×4 tile. */
    private static void dotInto(int i, int j, int k, float alpha, MemorySegment a, long aOff, int lda,
                                MemorySegment b, long bOff, int ldb, float beta, MemorySegment c, long cOff, int ldc) {
        long ar = aOff + (long) i * lda, br = bOff + (long) j * ldb;
        FloatVector acc = FloatVector.zero(F);
        int bound = F.loopBound(k);
        for (int p = 0; p < bound; p += F.length()) {
            acc = FloatVector.fromMemorySegment(F, a, (ar + p) * 4, LE)
                    .fma(FloatVector.fromMemorySegment(F, b, (br + p) * 4, LE), acc);
        }
        float sum = Lanes.sum(acc);
        for (int p = bound; p < k; p++) sum += a.getAtIndex(FLOAT, ar + p) * b.getAtIndex(FLOAT, br + p);
        store(c, cOff + (long) i * ldc + j, alpha * sum, beta);
    }

    // ---- B stored K×N: broadcast one A element, multiply a row of B (axpy form) --------------

    private static void vectorNN(int m, int n, int k, float alpha, MemorySegment a, long aOff, int lda,
                                 MemorySegment b, long bOff, int ldb, float beta, MemorySegment c, long cOff, int ldc) {
        int width = 2 * F.length();
        int nBody = n - n % width;
        for (int j = 0; j < nBody; j += width) {
            int i = 0;
            for (; i + 4 <= m; i += 4) panel4(i, j, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            for (; i < m; i++) panel1(i, j, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
        if (nBody < n) {
            // tail columns: scalar
            for (int i = 0; i < m; i++) {
                for (int j = nBody; j < n; j++) {
                    float acc = 0;
                    for (int p = 0; p < k; p++) {
                        acc += a.getAtIndex(FLOAT, aOff + (long) i * lda + p) * b.getAtIndex(FLOAT, bOff + (long) p * ldb + j);
                    }
                    store(c, cOff + (long) i * ldc + j, alpha * acc, beta);
                }
            }
        }
    }

    /** Four rows of C by two vectors of columns: eight accumulators, four broadcasts per step. */
    private static void panel4(int i, int j, int k, float alpha, MemorySegment a, long aOff, int lda,
                               MemorySegment b, long bOff, int ldb, float beta, MemorySegment c, long cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        long ar = aOff + (long) i * lda;
        for (int p = 0; p < k; p++) {
            long br = (bOff + (long) p * ldb + j) * 4;
            FloatVector w0 = FloatVector.fromMemorySegment(F, b, br, LE);
            FloatVector w1 = FloatVector.fromMemorySegment(F, b, br + F.vectorByteSize(), LE);
            FloatVector x = FloatVector.broadcast(F, a.getAtIndex(FLOAT, ar + p));
            c00 = x.fma(w0, c00); c01 = x.fma(w1, c01);
            x = FloatVector.broadcast(F, a.getAtIndex(FLOAT, ar + lda + p));
            c10 = x.fma(w0, c10); c11 = x.fma(w1, c11);
            x = FloatVector.broadcast(F, a.getAtIndex(FLOAT, ar + 2L * lda + p));
            c20 = x.fma(w0, c20); c21 = x.fma(w1, c21);
            x = FloatVector.broadcast(F, a.getAtIndex(FLOAT, ar + 3L * lda + p));
            c30 = x.fma(w0, c30); c31 = x.fma(w1, c31);
        }
        storeRow(c, cOff + (long) i * ldc + j, c00, c01, alpha, beta);
        storeRow(c, cOff + (long) (i + 1) * ldc + j, c10, c11, alpha, beta);
        storeRow(c, cOff + (long) (i + 2) * ldc + j, c20, c21, alpha, beta);
        storeRow(c, cOff + (long) (i + 3) * ldc + j, c30, c31, alpha, beta);
    }

    private static void panel1(int i, int j, int k, float alpha, MemorySegment a, long aOff, int lda,
                               MemorySegment b, long bOff, int ldb, float beta, MemorySegment c, long cOff, int ldc) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0;
        long ar = aOff + (long) i * lda;
        for (int p = 0; p < k; p++) {
            long br = (bOff + (long) p * ldb + j) * 4;
            FloatVector x = FloatVector.broadcast(F, a.getAtIndex(FLOAT, ar + p));
            c0 = x.fma(FloatVector.fromMemorySegment(F, b, br, LE), c0);
            c1 = x.fma(FloatVector.fromMemorySegment(F, b, br + F.vectorByteSize(), LE), c1);
        }
        storeRow(c, cOff + (long) i * ldc + j, c0, c1, alpha, beta);
    }

    private static void storeRow(MemorySegment c, long index, FloatVector v0, FloatVector v1, float alpha, float beta) {
        long at = index * 4;
        long at1 = at + F.vectorByteSize();
        v0 = v0.mul(alpha);
        v1 = v1.mul(alpha);
        if (beta != 0) {
            v0 = FloatVector.fromMemorySegment(F, c, at, LE).mul(beta).add(v0);
            v1 = FloatVector.fromMemorySegment(F, c, at1, LE).mul(beta).add(v1);
        }
        v0.intoMemorySegment(c, at, LE);
        v1.intoMemorySegment(c, at1, LE);
    }
}
