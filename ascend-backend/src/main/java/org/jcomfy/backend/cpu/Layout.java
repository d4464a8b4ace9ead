package org.jcomfy.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.threads.CpuThreads;

/**
 * Copies that move data without computing: pad, concat, permute, slice and nearest
 * upsampling. Each one finds the longest contiguous runs it can (a padded row's middle, a
 * concatenated part, a permute that keeps the last dimension) and moves them with
 * {@link MemorySegment#copy}; the pool splits the runs. Results are float32 like the
 * reference's, except that permute keeps integer dtypes.
 */
final class Layout {
    private Layout() {}

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final long GRAIN = 1 << 14;

    /** Constant padding (negative amounts crop, as in torch). */
    static Tensor pad(CpuThreads threads, Tensor x, long[] before, long[] after, float value) {
        Tensor src = f32(x);
        long[] s = src.shape();
        int r = s.length;
        long[] os = new long[r];
        for (int i = 0; i < r; i++) os[i] = s[i] + before[i] + after[i];
        Tensor out = Tensor.zeros(DType.F32, os);
        if (out.numel() == 0) return out;
        if (r == 0) return src.copy();
        MemorySegment in = src.data(), o = out.data();
        long rowLen = os[r - 1], rows = out.numel() / rowLen;
        // output columns [lo, hi) come from source columns [lo - before, hi - before)
        long lo = Math.clamp(before[r - 1], 0, rowLen), hi = Math.clamp(before[r - 1] + s[r - 1], lo, rowLen);
        threads.parallelFor(rows, Math.max(1, GRAIN / rowLen), (start, end) -> {
            for (long row = start; row < end; row++) {
                long outRow = row * rowLen;
                long srcRow = sourceRow(row, os, s, before);
                if (srcRow < 0) {
                    fill(o, outRow, rowLen, value);
                    continue;
                }
                fill(o, outRow, lo, value);
                MemorySegment.copy(in, (srcRow * s[r - 1] + lo - before[r - 1]) * 4, o, (outRow + lo) * 4, (hi - lo) * 4);
                fill(o, outRow + hi, rowLen - hi, value);
            }
        });
        return out;
    }

    /** The source row under output row {@code row} (leading dimensions only), or -1 in the padding. */
    private static long sourceRow(long row, long[] os, long[] s, long[] before) {
        long src = 0, stride = 1;
        for (int i = os.length - 2; i >= 0; i--) {
            long si = row % os[i] - before[i];
            row /= os[i];
            if (si < 0 || si >= s[i]) return -1;
            src += si * stride;
            stride *= s[i];
        }
        return src;
    }

    static Tensor concat(CpuThreads threads, List<Tensor> parts, int dim) {
        long[] first = parts.get(0).shape();
        int ax = dim < 0 ? first.length + dim : dim;
        long[] os = first.clone();
        os[ax] = 0;
        for (Tensor p : parts) {
            if (p.rank() != first.length) throw new IllegalArgumentException("concat: rank mismatch " + p);
            for (int i = 0; i < first.length; i++) {
                if (i != ax && p.dim(i) != first[i]) throw new IllegalArgumentException("concat: " + p + " does not match " + Arrays.toString(first));
            }
            os[ax] += p.dim(ax);
        }
        Tensor out = Tensor.zeros(DType.F32, os);
        long outer = 1, inner = 1;
        for (int i = 0; i < ax; i++) outer *= first[i];
        for (int i = ax + 1; i < first.length; i++) inner *= first[i];
        long offset = 0;
        for (Tensor part : parts) {
            MemorySegment in = f32(part).data(), o = out.data();
            long run = part.dim(ax) * inner, outRow = os[ax] * inner, at = offset * inner;
            threads.parallelFor(outer, Math.max(1, GRAIN / Math.max(1, run)), (start, end) -> {
                for (long i = start; i < end; i++) MemorySegment.copy(in, i * run * 4, o, (i * outRow + at) * 4, run * 4);
            });
            offset += part.dim(ax);
        }
        return out;
    }

    /** A contiguous copy in torch's {@code permute(dims)} order; float dtypes become float32. */
    static Tensor permute(CpuThreads threads, Tensor x, int... dims) {
        Tensor src = x.dtype().isFloatingPoint() ? f32(x) : x;
        long[] s = src.shape();
        int r = s.length;
        if (dims.length != r) throw new IllegalArgumentException("permute: " + Arrays.toString(dims) + " for " + x);
        long[] srcStride = new long[r];
        long st = 1;
        for (int i = r - 1; i >= 0; i--) {
            srcStride[i] = st;
            st *= s[i];
        }
        long[] os = new long[r], stride = new long[r];
        for (int i = 0; i < r; i++) { os[i] = s[dims[i]]; stride[i] = srcStride[dims[i]]; }
        Tensor out = Tensor.zeros(src.dtype(), os);
        if (out.numel() == 0 || r == 0) return r == 0 ? src.copy() : out;
        int esize = src.dtype().byteSize();
        MemorySegment in = src.data(), o = out.data();
        long rowLen = os[r - 1], rows = out.numel() / rowLen, step = stride[r - 1];
        threads.parallelFor(rows, Math.max(1, GRAIN / rowLen), (start, end) -> {
            for (long row = start; row < end; row++) {
                long from = 0, rem = row;
                for (int i = r - 2; i >= 0; i--) {
                    from += (rem % os[i]) * stride[i];
                    rem /= os[i];
                }
                long to = row * rowLen;
                if (step == 1) {
                    MemorySegment.copy(in, from * esize, o, to * esize, rowLen * esize);
                } else if (esize == 4) {
                    for (long j = 0; j < rowLen; j++) {
                        o.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, to + j, in.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, from + j * step));
                    }
                } else {
                    for (long j = 0; j < rowLen; j++) MemorySegment.copy(in, (from + j * step) * esize, o, (to + j) * esize, esize);
                }
            }
        });
        return out;
    }

    /** Indices {@code [start, end)} along {@code dim}, as float32. */
    static Tensor slice(CpuThreads threads, Tensor x, int dim, long start, long end) {
        long[] s = x.shape();
        int ax = dim < 0 ? s.length + dim : dim;
        if (start < 0 || end > s[ax] || start > end) {
            throw new IndexOutOfBoundsException("slice [" + start + ", " + end + ") of dim " + ax + " in " + x);
        }
        long[] os = s.clone();
        os[ax] = end - start;
        long outer = 1, inner = 1;
        for (int i = 0; i < ax; i++) outer *= s[i];
        for (int i = ax + 1; i < s.length; i++) inner *= s[i];
        int esize = x.dtype().byteSize();
        Tensor out = Tensor.zeros(x.dtype(), os);
        MemorySegment in = x.data(), o = out.data();
        long run = (end - start) * inner * esize, srcRow = s[ax] * inner * esize, skip = start * inner * esize;
        threads.parallelFor(outer, Math.max(1, GRAIN * 4 / Math.max(1, run)), (a, b) -> {
            for (long i = a; i < b; i++) MemorySegment.copy(in, i * srcRow + skip, o, i * run, run);
        });
        return f32(out);
    }

    /** Nearest-neighbour upsampling of the last two dimensions by {@code factor}. */
    static Tensor upsampleNearest2d(CpuThreads threads, Tensor x, int factor) {
        Tensor src = f32(x);
        long[] s = src.shape();
        int r = s.length;
        long h = s[r - 2], w = s[r - 1], ow = w * factor;
        long[] os = s.clone();
        os[r - 2] = h * factor;
        os[r - 1] = ow;
        Tensor out = Tensor.zeros(DType.F32, os);
        MemorySegment in = src.data(), o = out.data();
        long rows = h == 0 || w == 0 ? 0 : src.numel() / w;
        threads.parallelFor(rows, Math.max(1, GRAIN / Math.max(1, ow * factor)), (start, end) -> {
            for (long row = start; row < end; row++) {
                // input row `row` becomes output rows row·factor … row·factor + factor − 1
                long first = row * factor * ow;
                for (long j = 0; j < w; j++) {
                    float v = in.getAtIndex(FLOAT, row * w + j);
                    for (int k = 0; k < factor; k++) o.setAtIndex(FLOAT, first + j * factor + k, v);
                }
                for (int k = 1; k < factor; k++) MemorySegment.copy(o, first * 4, o, (first + k * ow) * 4, ow * 4);
            }
        });
        return out;
    }

    private static void fill(MemorySegment seg, long at, long count, float value) {
        if (value == 0f && Float.floatToRawIntBits(value) == 0) {
            seg.asSlice(at * 4, count * 4).fill((byte) 0);
            return;
        }
        for (long i = 0; i < count; i++) seg.setAtIndex(FLOAT, at + i, value);
    }

    /** Float32 view or copy: floats are widened, integers converted. */
    private static Tensor f32(Tensor t) {
        if (t.dtype() == DType.F32) return t;
        return t.dtype().isFloatingPoint() ? Widen.f32(t, true) : t.copyAs(DType.F32);
    }
}
