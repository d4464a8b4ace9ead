package org.jcomfy.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.jcomfy.backend.kernels.Broadcasting;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.threads.CpuThreads;

/**
 * Element-wise arithmetic with torch broadcasting, for up to three operands. Shapes are
 * aligned from the right and each operand gets an element stride per output dimension (0
 * where it broadcasts). Adjacent dimensions that every operand walks contiguously are merged,
 * so the innermost run is as long as possible (a whole tensor when shapes are equal, a whole
 * feature row for DiT's {@code [B, 1, D]} modulation vectors); inside a run each operand
 * either advances (stride 1) or stays put (stride 0), and the vector body handles both.
 */
final class Elementwise {
    private Elementwise() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final long GRAIN = 1 << 15;

    /** What to compute from operands a, b, c (c unused by the binary ones). */
    enum Op { ADD, SUB, MUL, MODULATE, ADD_GATED }

    static Tensor add(CpuThreads threads, boolean simd, Tensor a, Tensor b) { return apply(threads, simd, Op.ADD, a, b, null); }

    static Tensor sub(CpuThreads threads, boolean simd, Tensor a, Tensor b) { return apply(threads, simd, Op.SUB, a, b, null); }

    static Tensor mul(CpuThreads threads, boolean simd, Tensor a, Tensor b) { return apply(threads, simd, Op.MUL, a, b, null); }

    /** {@code x · (1 + scale) + shift}. */
    static Tensor modulate(CpuThreads threads, boolean simd, Tensor x, Tensor shift, Tensor scale) {
        return apply(threads, simd, Op.MODULATE, x, scale, shift);
    }

    /** {@code x + y · gate}. */
    static Tensor addGated(CpuThreads threads, boolean simd, Tensor x, Tensor y, Tensor gate) {
        return apply(threads, simd, Op.ADD_GATED, x, y, gate);
    }

    /** {@code x · s}. */
    static Tensor scale(CpuThreads threads, boolean simd, Tensor x, float s) {
        MemorySegment in = Widen.f32(x, simd).data();
        Tensor out = Tensor.zeros(DType.F32, x.shape());
        MemorySegment o = out.data();
        threads.parallelFor(x.numel(), GRAIN, (start, end) -> {
            long i = start;
            if (simd) {
                for (long bound = end - (end - start) % F.length(); i < bound; i += F.length()) {
                    FloatVector.fromMemorySegment(F, in, i * 4, LE).mul(s).intoMemorySegment(o, i * 4, LE);
                }
            }
            for (; i < end; i++) o.setAtIndex(FLOAT, i, in.getAtIndex(FLOAT, i) * s);
        });
        return out;
    }

    private static Tensor apply(CpuThreads threads, boolean simd, Op op, Tensor a, Tensor b, Tensor c) {
        Tensor[] in = c == null ? new Tensor[] {Widen.f32(a, simd), Widen.f32(b, simd)}
                : new Tensor[] {Widen.f32(a, simd), Widen.f32(b, simd), Widen.f32(c, simd)};
        long[] outShape = new long[0];
        for (Tensor t : in) outShape = Broadcasting.shape(outShape, t.shape());
        Tensor out = Tensor.zeros(DType.F32, outShape);
        if (out.numel() == 0) return out;
        Layout layout = Layout.of(outShape, in);
        long run = layout.shape[layout.shape.length - 1];
        long rows = out.numel() / run;
        // long runs are cut into pieces so that even one run (equal shapes) uses every thread
        long pieces = (run + GRAIN - 1) / GRAIN, piece = (run + pieces - 1) / pieces;
        MemorySegment[] segs = new MemorySegment[3];
        for (int t = 0; t < in.length; t++) segs[t] = in[t].data();
        if (c == null) segs[2] = segs[1];
        MemorySegment o = out.data();
        int[] st = layout.innerStride;
        threads.parallelFor(rows * pieces, Math.max(1, GRAIN / piece), (start, end) -> {
            long[] off = new long[3];
            for (long item = start; item < end; item++) {
                long r = item / pieces, from = (item % pieces) * piece, len = Math.min(piece, run - from);
                layout.offsets(r, off);
                runKernel(simd, op, len, segs[0], off[0] + from * st[0], st[0], segs[1], off[1] + from * st[1], st[1],
                        segs[2], off[2] + from * st[2], st[2], o, r * run + from);
            }
        });
        return out;
    }

    /** One contiguous output run; each operand's stride is 1 (advances) or 0 (broadcast). */
    private static void runKernel(boolean simd, Op op, long n, MemorySegment a, long ao, int sa, MemorySegment b, long bo, int sb,
                                  MemorySegment c, long co, int sc, MemorySegment o, long oo) {
        long i = 0;
        if (simd && n >= F.length()) {
            FloatVector ba = FloatVector.broadcast(F, a.getAtIndex(FLOAT, ao));
            FloatVector bb = FloatVector.broadcast(F, b.getAtIndex(FLOAT, bo));
            FloatVector bc = FloatVector.broadcast(F, c.getAtIndex(FLOAT, co));
            for (long bound = n - n % F.length(); i < bound; i += F.length()) {
                FloatVector va = sa == 0 ? ba : FloatVector.fromMemorySegment(F, a, (ao + i) * 4, LE);
                FloatVector vb = sb == 0 ? bb : FloatVector.fromMemorySegment(F, b, (bo + i) * 4, LE);
                FloatVector r = switch (op) {
                    case ADD -> va.add(vb);
                    case SUB -> va.sub(vb);
                    case MUL -> va.mul(vb);
                    case MODULATE -> va.mul(vb.add(1f)).add(sc == 0 ? bc : FloatVector.fromMemorySegment(F, c, (co + i) * 4, LE));
                    case ADD_GATED -> va.add(vb.mul(sc == 0 ? bc : FloatVector.fromMemorySegment(F, c, (co + i) * 4, LE)));
                };
                r.intoMemorySegment(o, (oo + i) * 4, LE);
            }
        }
        for (; i < n; i++) {
            float va = a.getAtIndex(FLOAT, ao + i * sa), vb = b.getAtIndex(FLOAT, bo + i * sb);
            float r = switch (op) {
                case ADD -> va + vb;
                case SUB -> va - vb;
                case MUL -> va * vb;
                case MODULATE -> va * (1 + vb) + c.getAtIndex(FLOAT, co + i * sc);
                case ADD_GATED -> va + vb * c.getAtIndex(FLOAT, co + i * sc);
            };
            o.setAtIndex(FLOAT, oo + i, r);
        }
    }

    /**
     * The output shape after merging dimensions, with each operand's element strides on it.
     * The last dimension is the run; {@link #offsets} finds where row {@code r} of the
     * remaining dimensions starts in every operand.
     */
    private record Layout(long[] shape, long[][] strides, int[] innerStride) {

        static Layout of(long[] outShape, Tensor[] operands) {
            int rank = outShape.length, ops = operands.length;
            long[][] full = new long[ops][rank];
            for (int t = 0; t < ops; t++) {
                long[] s = operands[t].shape();
                long stride = 1;
                for (int i = rank - 1; i >= 0; i--) {
                    int j = i - (rank - s.length);
                    long d = j < 0 ? 1 : s[j];
                    full[t][i] = d == 1 ? 0 : stride;
                    stride *= d;
                }
            }
            // merge dimension i into i+1 when every operand steps through the pair contiguously
            long[] shape = new long[rank];
            long[][] strides = new long[ops][rank];
            int kept = 0;
            for (int i = 0; i < rank; i++) {
                if (outShape[i] == 1) continue;
                boolean merge = kept > 0;
                for (int t = 0; t < ops && merge; t++) merge = strides[t][kept - 1] == full[t][i] * outShape[i];
                if (merge) {
                    shape[kept - 1] *= outShape[i];
                    for (int t = 0; t < ops; t++) strides[t][kept - 1] = full[t][i];
                } else {
                    shape[kept] = outShape[i];
                    for (int t = 0; t < ops; t++) strides[t][kept] = full[t][i];
                    kept++;
                }
            }
            if (kept == 0) { shape[0] = 1; kept = 1; }
            long[][] st = new long[3][];
            int[] inner = new int[3];
            for (int t = 0; t < 3; t++) {
                st[t] = Arrays.copyOf(strides[Math.min(t, ops - 1)], kept);
                inner[t] = (int) st[t][kept - 1];
            }
            return new Layout(Arrays.copyOf(shape, kept), st, inner);
        }

        /** Start offsets of output row {@code row} (all dimensions but the last) in each operand. */
        void offsets(long row, long[] off) {
            Arrays.fill(off, 0);
            for (int i = shape.length - 2; i >= 0; i--) {
                long idx = row % shape[i];
                row /= shape[i];
                for (int t = 0; t < 3; t++) off[t] += idx * strides[t][i];
            }
        }
    }
}
