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
 * GELU (tanh form), SiLU and softmax. The vector bodies use the Vector API's lanewise
 * {@code TANH} and {@code EXP}, which the JDK backs with vectorised math routines; the scalar
 * tails and the scalar path use {@link Math}.
 */
final class Activations {
    private Activations() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final long GRAIN = 1 << 14;
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    static Tensor geluTanh(CpuThreads threads, boolean simd, Tensor x) {
        return map(threads, simd, x, true);
    }

    static Tensor silu(CpuThreads threads, boolean simd, Tensor x) {
        return map(threads, simd, x, false);
    }

    private static Tensor map(CpuThreads threads, boolean simd, Tensor x, boolean gelu) {
        MemorySegment in = Widen.f32(x, simd).data();
        Tensor out = Tensor.zeros(DType.F32, x.shape());
        MemorySegment o = out.data();
        threads.parallelFor(x.numel(), GRAIN, (start, end) -> {
            long i = start;
            if (simd) {
                for (long bound = end - (end - start) % F.length(); i < bound; i += F.length()) {
                    FloatVector v = FloatVector.fromMemorySegment(F, in, i * 4, LE);
                    FloatVector r;
                    if (gelu) {
                        FloatVector inner = v.mul(v).mul(v).mul(0.044715f).add(v).mul(SQRT_2_OVER_PI);
                        r = VectorMath.tanh(inner).add(1f).mul(v).mul(0.5f);
                    } else {
                        r = v.div(VectorMath.exp(v.neg()).add(1f));
                    }
                    r.intoMemorySegment(o, i * 4, LE);
                }
            }
            for (; i < end; i++) {
                float v = in.getAtIndex(FLOAT, i);
                float r = gelu
                        ? 0.5f * v * (1 + (float) Math.tanh(SQRT_2_OVER_PI * (v + 0.044715f * v * v * v)))
                        : v / (1 + (float) Math.exp(-v));
                o.setAtIndex(FLOAT, i, r);
            }
        });
        return out;
    }

    /** Softmax over the last dimension: max, then Σ exp(x − max), then scale by its inverse. */
    static Tensor softmax(CpuThreads threads, boolean simd, Tensor x) {
        int d = Math.toIntExact(x.dim(-1));
        MemorySegment in = Widen.f32(x, simd).data();
        Tensor out = Tensor.zeros(DType.F32, x.shape());
        MemorySegment o = out.data();
        threads.parallelFor(d == 0 ? 0 : x.numel() / d, Math.max(1, GRAIN / Math.max(d, 1)), (s, e) -> {
            for (long r = s; r < e; r++) {
                long base = r * d;
                int bound = simd ? F.loopBound(d) : 0;
                float max = Float.NEGATIVE_INFINITY;
                int i = 0;
                if (bound > 0) {
                    FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
                    for (; i < bound; i += F.length()) m = m.max(FloatVector.fromMemorySegment(F, in, (base + i) * 4, LE));
                    max = m.reduceLanes(VectorOperators.MAX);
                }
                for (; i < d; i++) max = Math.max(max, in.getAtIndex(FLOAT, base + i));
                // exponentials go to the output, their sum is accumulated on the way
                float sum = 0;
                i = 0;
                if (bound > 0) {
                    FloatVector acc = FloatVector.zero(F);
                    for (; i < bound; i += F.length()) {
                        FloatVector ex = VectorMath.exp(FloatVector.fromMemorySegment(F, in, (base + i) * 4, LE).sub(max));
                        ex.intoMemorySegment(o, (base + i) * 4, LE);
                        acc = acc.add(ex);
                    }
                    sum = Lanes.sum(acc);
                }
                for (; i < d; i++) {
                    float ex = (float) Math.exp(in.getAtIndex(FLOAT, base + i) - max);
                    o.setAtIndex(FLOAT, base + i, ex);
                    sum += ex;
                }
                float inv = 1f / sum;
                i = 0;
                for (; i < bound; i += F.length()) {
                    FloatVector.fromMemorySegment(F, o, (base + i) * 4, LE).mul(inv).intoMemorySegment(o, (base + i) * 4, LE);
                }
                for (; i < d; i++) o.setAtIndex(FLOAT, base + i, o.getAtIndex(FLOAT, base + i) * inv);
            }
        });
        return out;
    }
}
