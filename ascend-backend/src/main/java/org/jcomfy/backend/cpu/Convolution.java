package org.jcomfy.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.threads.CpuThreads;
import org.jcomfy.backend.threads.Scratch;

/**
 * 3-D and 2-D convolution as im2col + GEMM. For one batch item the output {@code [O, P]}
 * ({@code P = oT·oH·oW} positions) is {@code W [O, Kc] · cols [Kc, P]}, where row
 * {@code (c, dt, dh, dw)} of {@code cols} holds the input value under that kernel tap for every
 * output position. Unfolding all of {@code cols} at once would take gigabytes at video sizes,
 * so positions are cut into blocks: each pool thread unfolds one block into its scratch
 * buffer and multiplies it into the matching output columns ({@code ldc = P}). A 1×1×1
 * kernel with unit stride and no padding needs no unfolding: the input already is {@code cols}.
 */
final class Convolution {
    private Convolution() {}

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Unfolded columns per block are capped at this many floats (4 MiB). */
    private static final long COLS_BLOCK_FLOATS = 1L << 20;

    static Tensor conv3d(CpuThreads threads, boolean nativeBlas, boolean simd,
                         Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding) {
        if (x.rank() != 5 || weight.rank() != 5 || weight.dim(1) != x.dim(1)) {
            throw new IllegalArgumentException("conv3d: input " + x + " vs weight " + weight);
        }
        Geometry g = new Geometry(x, weight, stride, padding);
        Tensor out = Tensor.zeros(DType.F32, g.batch, g.outChannels, g.ot, g.oh, g.ow);
        if (out.numel() == 0) return out;
        MemorySegment in = Widen.f32Native(x, simd).data();
        MemorySegment w = Widen.f32Native(weight, simd).data();
        float[] b = bias == null ? null : Widen.f32(bias, simd).toFloatArray();
        MemorySegment o = out.data();
        long positions = g.positions();
        boolean pointwise = g.kc == g.channels && stride[0] == 1 && stride[1] == 1 && stride[2] == 1
                && padding[0] == 0 && padding[1] == 0 && padding[2] == 0;
        long blockLen = Math.max(16, Math.min(COLS_BLOCK_FLOATS / g.kc, (positions + threads.threads() - 1) / threads.threads()));
        long blocks = (positions + blockLen - 1) / blockLen;

        for (long bi = 0; bi < g.batch; bi++) {
            long inBase = bi * g.channels * g.t * g.h * g.w;
            long outBase = bi * g.outChannels * positions;
            threads.forEach(Math.toIntExact(blocks), block -> {
                long p0 = block * blockLen, p1 = Math.min(positions, p0 + blockLen);
                int len = (int) (p1 - p0);
                float beta = 0;
                if (b != null) {
                    for (int oc = 0; oc < g.outChannels; oc++) {
                        fill(o, outBase + oc * positions + p0, len, b[oc]);
                    }
                    beta = 1;
                }
                if (pointwise) {
                    Gemm.multiply(nativeBlas, simd, false, g.outChannels, len, g.kc, 1f, w, 0, g.kc,
                            in, inBase + p0, (int) positions, beta, o, outBase + p0, (int) positions);
                } else {
                    MemorySegment cols = Scratch.get().floats((long) g.kc * len);
                    unfold(g, in, inBase, p0, p1, cols);
                    Gemm.multiply(nativeBlas, simd, false, g.outChannels, len, g.kc, 1f, w, 0, g.kc,
                            cols, 0, len, beta, o, outBase + p0, (int) positions);
                }
            });
        }
        return out;
    }

    static Tensor conv2d(CpuThreads threads, boolean nativeBlas, boolean simd,
                         Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding) {
        Tensor x3 = x.reshape(x.dim(0), x.dim(1), 1, x.dim(2), x.dim(3));
        Tensor w3 = weight.reshape(weight.dim(0), weight.dim(1), 1, weight.dim(2), weight.dim(3));
        Tensor y = conv3d(threads, nativeBlas, simd, x3, w3, bias,
                new int[] {1, stride[0], stride[1]}, new int[] {0, padding[0], padding[1]});
        return y.reshape(y.dim(0), y.dim(1), y.dim(3), y.dim(4));
    }

    /**
     * im2col for positions {@code [p0, p1)}: row r = (c, dt, dh, dw) of {@code cols} (length
     * {@code p1 − p0}) gets the input under that tap, zero where the tap falls in the padding.
     * Positions are walked one output row (fixed t, y) at a time, so with unit stride the
     * valid middle of each row is one bulk copy.
     */
    private static void unfold(Geometry g, MemorySegment in, long inBase, long p0, long p1, MemorySegment cols) {
        long len = p1 - p0, plane = (long) g.oh * g.ow;
        for (int r = 0; r < g.kc; r++) {
            int dw = r % g.kw, dh = (r / g.kw) % g.kh, dt = (r / (g.kw * g.kh)) % g.kt, c = r / (g.kw * g.kh * g.kt);
            long colRow = r * len;
            for (long pos = p0; pos < p1; ) {
                long z = pos / plane, y = (pos % plane) / g.ow, x0 = pos % g.ow;
                int run = (int) Math.min(g.ow - x0, p1 - pos);
                long dst = colRow + (pos - p0);
                long ti = z * g.st - g.pt + dt, yi = y * g.sh - g.ph + dh;
                if (ti < 0 || ti >= g.t || yi < 0 || yi >= g.h) {
                    fill(cols, dst, run, 0f);
                } else {
                    long srcRow = inBase + ((c * g.t + ti) * g.h + yi) * g.w;
                    copyRow(g, in, srcRow, x0, run, dw, cols, dst);
                }
                pos += run;
            }
        }
    }

    /** Output columns {@code [x0, x0 + run)} of one row for kernel column {@code dw}. */
    private static void copyRow(Geometry g, MemorySegment in, long srcRow, long x0, int run, int dw, MemorySegment cols, long dst) {
        if (g.sw == 1) {
            // xi = xx − pw + dw is inside [0, W) for xx in [lo, hi)
            long lo = Math.clamp(g.pw - dw, x0, x0 + run), hi = Math.clamp(g.w + g.pw - dw, lo, x0 + run);
            fill(cols, dst, (int) (lo - x0), 0f);
            MemorySegment.copy(in, (srcRow + lo - g.pw + dw) * 4, cols, (dst + lo - x0) * 4, (hi - lo) * 4);
            fill(cols, dst + hi - x0, (int) (x0 + run - hi), 0f);
            return;
        }
        for (int i = 0; i < run; i++) {
            long xi = (x0 + i) * g.sw - g.pw + dw;
            cols.setAtIndex(FLOAT, dst + i, xi >= 0 && xi < g.w ? in.getAtIndex(FLOAT, srcRow + xi) : 0f);
        }
    }

    private static void fill(MemorySegment seg, long at, int count, float value) {
        for (int i = 0; i < count; i++) seg.setAtIndex(FLOAT, at + i, value);
    }

    /** Sizes of one convolution, input and output, with the kernel unrolled to {@code kc}. */
    private static final class Geometry {
        final long batch, t, h, w;
        final int channels, outChannels, kt, kh, kw, kc, st, sh, sw, pt, ph, pw;
        final long ot, oh, ow;

        Geometry(Tensor x, Tensor weight, int[] stride, int[] padding) {
            batch = x.dim(0);
            channels = Math.toIntExact(x.dim(1));
            t = x.dim(2); h = x.dim(3); w = x.dim(4);
            outChannels = Math.toIntExact(weight.dim(0));
            kt = (int) weight.dim(2); kh = (int) weight.dim(3); kw = (int) weight.dim(4);
            kc = Math.toIntExact((long) channels * kt * kh * kw);
            st = stride[0]; sh = stride[1]; sw = stride[2];
            pt = padding[0]; ph = padding[1]; pw = padding[2];
            ot = (t + 2L * pt - kt) / st + 1;
            oh = (h + 2L * ph - kh) / sh + 1;
            ow = (w + 2L * pw - kw) / sw + 1;
        }

        long positions() { return ot * oh * ow; }
    }
}
