package org.jcomfy.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.threads.CpuThreads;
import org.jcomfy.backend.threads.Scratch;

/**
 * {@code y = x · (weightScale · W)ᵀ + b} for weights of any float dtype. The output is split
 * into a grid of blocks, one per pool thread (see {@link #grid}). Each block is one row-major
 * sgemm with {@code transB}, so an f32 weight is used in place; a narrower weight is widened
 * up to a few thousand rows at a time into the thread's scratch buffer and multiplied from there. The bias is written into the output
 * first and the GEMM accumulates onto it ({@code beta = 1}); weightScale is the GEMM's alpha.
 */
final class Linear {
    private Linear() {}

    /**
     * Widened weight rows per GEMM call are capped at this many floats (16 MiB per thread).
     * Every GEMM call packs all of its x rows again, so fewer, bigger pieces pay off: with
     * 4 MiB pieces bf16 ran at about 90% of f32, with 16 MiB on par (bench/RESULTS.md).
     */
    private static final long WIDEN_BLOCK_FLOATS = 1L << 22;
    /** Smallest block edge worth a thread of its own. */
    private static final int MIN_BLOCK = 64;

    static Tensor linear(CpuThreads threads, boolean nativeBlas, boolean simd,
                         Tensor x, Tensor weight, Tensor bias, float weightScale) {
        long kk = x.dim(-1);
        if (weight.rank() != 2 || weight.dim(1) != kk) {
            throw new IllegalArgumentException("linear: x " + x + " does not match weight " + weight);
        }
        if (bias != null && bias.numel() != weight.dim(0)) {
            throw new IllegalArgumentException("linear: bias " + bias + " does not match weight " + weight);
        }
        int k = Math.toIntExact(kk), n = Math.toIntExact(weight.dim(0));
        int m = Math.toIntExact(kk == 0 ? 0 : x.numel() / kk);
        long[] outShape = x.shape();
        outShape[outShape.length - 1] = n;
        Tensor out = Tensor.zeros(DType.F32, outShape);
        if (m == 0 || n == 0) return out;
        if (k == 0) return bias == null ? out : Elementwise.add(threads, simd, out, bias);
        MemorySegment xs = Widen.f32Native(x, simd).data();
        MemorySegment ys = out.data();
        float beta = 0;
        if (bias != null) {
            fillRows(threads, ys, m, n, Widen.f32(bias, simd).toFloatArray());
            beta = 1;
        }
        float b = beta;

        int[] grid = grid(m, n, threads.threads());
        int mBlocks = grid[0], nBlocks = grid[1];
        threads.forEach(nBlocks * mBlocks, task -> {
            int m0 = (int) ((long) m * (task / nBlocks) / mBlocks), m1 = (int) ((long) m * (task / nBlocks + 1) / mBlocks);
            int n0 = (int) ((long) n * (task % nBlocks) / nBlocks), n1 = (int) ((long) n * (task % nBlocks + 1) / nBlocks);
            block(nativeBlas, simd, xs, weight, ys, m0, m1, n0, n1, n, k, weightScale, b);
        });
        return out;
    }

    /**
     * How to cut the {@code m × n} output into {@code {rowBlocks, columnBlocks}}: as many blocks
     * as threads (none thinner than {@link #MIN_BLOCK} unless the matrix is), and among those
     * the squarest, since each block's GEMM packs its rows of x and of W once, a cost that
     * grows with {@code rows + columns} while the work grows with their product.
     */
    static int[] grid(int m, int n, int threads) {
        int bestM = 1, bestN = 1;
        for (int nb = 1; nb <= threads; nb++) {
            if (nb > 1 && n < nb * MIN_BLOCK) break;
            for (int mb = 1; mb * nb <= threads; mb++) {
                if (mb > 1 && m < mb * MIN_BLOCK) break;
                int tasks = mb * nb, bestTasks = bestM * bestN;
                double edge = (double) m / mb + (double) n / nb, bestEdge = (double) m / bestM + (double) n / bestN;
                if (tasks > bestTasks || (tasks == bestTasks && edge < bestEdge)) {
                    bestM = mb;
                    bestN = nb;
                }
            }
        }
        return new int[] {bestM, bestN};
    }

    /** Output rows {@code [m0, m1)} by columns {@code [n0, n1)}. */
    private static void block(boolean nativeBlas, boolean simd, MemorySegment x, Tensor weight, MemorySegment y,
                              int m0, int m1, int n0, int n1, int n, int k, float alpha, float beta) {
        int rows = m1 - m0;
        if (weight.dtype() == DType.F32 && weight.data().isNative()) {
            Gemm.multiply(nativeBlas, simd, true, rows, n1 - n0, k, alpha, x, (long) m0 * k, k,
                    weight.data(), (long) n0 * k, k, beta, y, (long) m0 * n + n0, n);
            return;
        }
        int maxRows = (int) Math.max(16, WIDEN_BLOCK_FLOATS / k);
        int pieces = (n1 - n0 + maxRows - 1) / maxRows;
        int per = (n1 - n0 + pieces - 1) / pieces;
        MemorySegment scratch = Scratch.get().floats((long) per * k);
        for (int j = n0; j < n1; j += per) {
            int cols = Math.min(per, n1 - j);
            Widen.toF32(weight, (long) j * k, (long) cols * k, scratch, 0, simd);
            Gemm.multiply(nativeBlas, simd, true, rows, cols, k, alpha, x, (long) m0 * k, k,
                    scratch, 0, k, beta, y, (long) m0 * n + j, n);
        }
    }

    private static void fillRows(CpuThreads threads, MemorySegment y, int m, int n, float[] row) {
        threads.parallelFor(m, Math.max(1, 16384 / n), (s, e) -> {
            for (long i = s; i < e; i++) {
                MemorySegment.copy(row, 0, y, ValueLayout.JAVA_FLOAT_UNALIGNED, i * n * Float.BYTES, n);
            }
        });
    }
}
