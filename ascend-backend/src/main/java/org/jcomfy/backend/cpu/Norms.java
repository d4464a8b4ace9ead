package org.jcomfy.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.threads.CpuThreads;

/**
 * LayerNorm, RMSNorm and L2 normalisation. Rows are independent and split across the pool;
 * within a row the sums run in float vectors (LayerNorm takes two passes, mean then centred
 * squares, so the variance does not cancel) and the scaling pass is a vector body with a
 * scalar tail. Weights and biases of any float dtype are widened once per call.
 */
final class Norms {
    private Norms() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final long GRAIN = 1 << 14;
    /** Inner columns one l2Normalize work item handles: its running sums stay in L1. */
    private static final long COLUMN_PIECE = 2048;

    static Tensor layerNorm(CpuThreads threads, boolean simd, Tensor x, Tensor weight, Tensor bias, float eps) {
        int d = Math.toIntExact(x.dim(-1));
        MemorySegment in = Widen.f32(x, simd).data();
        MemorySegment w = weight == null ? null : Widen.f32(weight, simd).data();
        MemorySegment b = bias == null ? null : Widen.f32(bias, simd).data();
        Tensor out = Tensor.zeros(DType.F32, x.shape());
        MemorySegment o = out.data();
        threads.parallelFor(d == 0 ? 0 : x.numel() / d, Math.max(1, GRAIN / Math.max(d, 1)), (s, e) -> {
            for (long r = s; r < e; r++) {
                long base = r * d;
                float mean = sum(simd, in, base, d, 0, false) / d;
                float var = sum(simd, in, base, d, mean, true) / d;
                float inv = (float) (1.0 / Math.sqrt(var + eps));
                scaleRow(simd, in, base, d, mean, inv, w, b, o);
            }
        });
        return out;
    }

    static Tensor rmsNorm(CpuThreads threads, boolean simd, Tensor x, Tensor weight, float eps) {
        int d = Math.toIntExact(x.dim(-1));
        MemorySegment in = Widen.f32(x, simd).data();
        MemorySegment w = weight == null ? null : Widen.f32(weight, simd).data();
        Tensor out = Tensor.zeros(DType.F32, x.shape());
        MemorySegment o = out.data();
        threads.parallelFor(d == 0 ? 0 : x.numel() / d, Math.max(1, GRAIN / Math.max(d, 1)), (s, e) -> {
            for (long r = s; r < e; r++) {
                long base = r * d;
                float ms = sum(simd, in, base, d, 0, true) / d;
                float inv = (float) (1.0 / Math.sqrt(ms + eps));
                scaleRow(simd, in, base, d, 0, inv, w, null, o);
            }
        });
        return out;
    }

    /**
     * {@code x / max(‖x‖, eps)} along {@code dim}. The tensor is seen as {@code [outer, len, inner]}.
     * Along the last dimension ({@code inner == 1}) each row is one vector sum. Otherwise the
     * squares of {@code len} inner-rows are summed lane by lane, so the vector body runs along
     * the contiguous inner axis; the inner axis is cut into pieces so that even one outer index
     * (the VAE's channel norm on {@code [1, C, T, H, W]}) spreads over every thread.
     */
    static Tensor l2Normalize(CpuThreads threads, boolean simd, Tensor x, int dim, float eps) {
        long[] s = x.shape();
        int ax = dim < 0 ? s.length + dim : dim;
        int len = Math.toIntExact(s[ax]);
        long innerSize = 1;
        for (int i = ax + 1; i < s.length; i++) innerSize *= s[i];
        long inner = innerSize;
        long outer = len * inner == 0 ? 0 : x.numel() / (len * inner);
        MemorySegment in = Widen.f32(x, simd).data();
        Tensor out = Tensor.zeros(DType.F32, s);
        MemorySegment o = out.data();
        if (inner == 1) {
            threads.parallelFor(outer, Math.max(1, GRAIN / Math.max(len, 1)), (start, end) -> {
                for (long r = start; r < end; r++) {
                    float norm = (float) Math.max(Math.sqrt(sum(simd, in, r * len, len, 0, true)), eps);
                    scaleRow(simd, in, r * len, len, 0, 1f / norm, null, null, o);
                }
            });
            return out;
        }
        long pieces = (inner + COLUMN_PIECE - 1) / COLUMN_PIECE, piece = (inner + pieces - 1) / pieces;
        threads.parallelFor(outer * pieces, Math.max(1, GRAIN / Math.max(1, len * piece)), (start, end) -> {
            float[] ss = new float[(int) piece];
            for (long item = start; item < end; item++) {
                long base = (item / pieces) * len * inner + (item % pieces) * piece;
                int width = (int) Math.min(piece, inner - (item % pieces) * piece);
                java.util.Arrays.fill(ss, 0f);
                for (int i = 0; i < len; i++) {
                    long row = base + i * inner;
                    int c = 0;
                    if (simd) {
                        for (int bound = F.loopBound(width); c < bound; c += F.length()) {
                            FloatVector v = FloatVector.fromMemorySegment(F, in, (row + c) * 4, LE);
                            v.fma(v, FloatVector.fromArray(F, ss, c)).intoArray(ss, c);
                        }
                    }
                    for (; c < width; c++) {
                        float v = in.getAtIndex(FLOAT, row + c);
                        ss[c] += v * v;
                    }
                }
                for (int c = 0; c < width; c++) ss[c] = (float) (1.0 / Math.max(Math.sqrt(ss[c]), eps));
                for (int i = 0; i < len; i++) {
                    long row = base + i * inner;
                    int c = 0;
                    if (simd) {
                        for (int bound = F.loopBound(width); c < bound; c += F.length()) {
                            FloatVector.fromMemorySegment(F, in, (row + c) * 4, LE).mul(FloatVector.fromArray(F, ss, c))
                                    .intoMemorySegment(o, (row + c) * 4, LE);
                        }
                    }
                    for (; c < width; c++) o.setAtIndex(FLOAT, row + c, in.getAtIndex(FLOAT, row + c) * ss[c]);
                }
            }
        });
        return out;
    }

    /** Σ x (squares=false) or Σ (x − centre)² (squares=true) over {@code d} floats from {@code base}. */
    private static float sum(boolean simd, MemorySegment in, long base, int d, float centre, boolean squares) {
        int i = 0;
        float total = 0;
        if (simd) {
            FloatVector acc = FloatVector.zero(F);
            for (int bound = F.loopBound(d); i < bound; i += F.length()) {
                FloatVector v = FloatVector.fromMemorySegment(F, in, (base + i) * 4, LE);
                if (squares) {
                    v = v.sub(centre);
                    acc = v.fma(v, acc);
                } else {
                    acc = acc.add(v);
                }
            }
            total = Lanes.sum(acc);
        }
        for (; i < d; i++) {
            float v = in.getAtIndex(FLOAT, base + i);
            total += squares ? (v - centre) * (v - centre) : v;
        }
        return total;
    }

    /** {@code out = (x − centre) · inv · w + b} on one row; w and b may be null. */
    private static void scaleRow(boolean simd, MemorySegment in, long base, int d, float centre, float inv,
                                 MemorySegment w, MemorySegment b, MemorySegment out) {
        int i = 0;
        if (simd) {
            for (int bound = F.loopBound(d); i < bound; i += F.length()) {
                FloatVector v = FloatVector.fromMemorySegment(F, in, (base + i) * 4, LE).sub(centre).mul(inv);
                if (w != null) v = v.mul(FloatVector.fromMemorySegment(F, w, i * 4L, LE));
                if (b != null) v = v.add(FloatVector.fromMemorySegment(F, b, i * 4L, LE));
                v.intoMemorySegment(out, (base + i) * 4, LE);
            }
        }
        for (; i < d; i++) {
            float v = (in.getAtIndex(FLOAT, base + i) - centre) * inv;
            if (w != null) v *= w.getAtIndex(FLOAT, i);
            if (b != null) v += b.getAtIndex(FLOAT, i);
            out.setAtIndex(FLOAT, base + i, v);
        }
    }
}
