package org.jcomfy.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Floats;
import org.jcomfy.backend.tensor.Tensor;

/**
 * Widens stored elements (f32, f16, bf16, f8) to float32 in a scratch segment, so that the
 * matrix kernels only ever see float32. bf16 is the common weight format and gets a vector
 * body (a bf16 is the upper half of a float32: widen to int, shift left by 16); f16 uses the
 * JDK's intrinsic {@link Float#float16ToFloat}, f8 a 256-entry table.
 */
final class Widen {
    private Widen() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** Shorts with as many lanes as {@link #F}: half its bit size. */
    private static final VectorSpecies<Short> S =
            VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

    /**
     * Writes elements {@code [from, from + count)} of {@code src} (flat, row-major) as float32
     * into {@code dst} starting at float index {@code dstOffset}.
     */
    static void toF32(Tensor src, long from, long count, MemorySegment dst, long dstOffset, boolean simd) {
        MemorySegment in = src.data();
        switch (src.dtype()) {
            case F32 -> MemorySegment.copy(in, from * Float.BYTES, dst, dstOffset * Float.BYTES, count * Float.BYTES);
            case BF16 -> bf16(in, from, count, dst, dstOffset, simd);
            case F16 -> {
                for (long i = 0; i < count; i++) {
                    dst.setAtIndex(FLOAT, dstOffset + i, Float.float16ToFloat(in.getAtIndex(SHORT, from + i)));
                }
            }
            case F8_E4M3FN -> {
                for (long i = 0; i < count; i++) {
                    dst.setAtIndex(FLOAT, dstOffset + i, Floats.e4m3ToFloat(in.get(ValueLayout.JAVA_BYTE, from + i)));
                }
            }
            case F8_E5M2 -> {
                for (long i = 0; i < count; i++) {
                    dst.setAtIndex(FLOAT, dstOffset + i, Floats.e5m2ToFloat(in.get(ValueLayout.JAVA_BYTE, from + i)));
                }
            }
            case F64 -> {
                for (long i = 0; i < count; i++) dst.setAtIndex(FLOAT, dstOffset + i, src.getFloat(from + i));
            }
            default -> throw new IllegalArgumentException("cannot widen " + src.dtype() + " to float32: " + src);
        }
    }

    private static void bf16(MemorySegment in, long from, long count, MemorySegment dst, long dstOffset, boolean simd) {
        long i = 0;
        if (simd) {
            // body: F.length() bf16 values at a time
            long bound = count - count % F.length();
            for (; i < bound; i += F.length()) {
                ShortVector s = ShortVector.fromMemorySegment(S, in, (from + i) * 2, ByteOrder.LITTLE_ENDIAN);
                IntVector bits = (IntVector) s.convertShape(VectorOperators.S2I, I, 0);
                bits.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats()
                        .intoMemorySegment(dst, (dstOffset + i) * Float.BYTES, ByteOrder.LITTLE_ENDIAN);
            }
        }
        // tail (and the whole scalar path)
        for (; i < count; i++) {
            dst.setAtIndex(FLOAT, dstOffset + i, Floats.bf16ToFloat(in.getAtIndex(SHORT, from + i)));
        }
    }

    /**
     * {@code t} as float32 in off-heap memory, which native code can read: itself when it
     * already is, otherwise a copy (tensors wrapped around a Java array live on the heap).
     */
    static Tensor f32Native(Tensor t, boolean simd) {
        if (t.dtype() == DType.F32 && t.data().isNative()) return t;
        Tensor out = Tensor.zeros(DType.F32, t.shape());
        toF32(t, 0, t.numel(), out.data(), 0, simd);
        return out;
    }

    /** {@code t} as float32: itself when it already is, otherwise a widened copy. */
    static Tensor f32(Tensor t, boolean simd) {
        if (t.dtype() == DType.F32) return t;
        Tensor out = Tensor.zeros(DType.F32, t.shape());
        toF32(t, 0, t.numel(), out.data(), 0, simd);
        return out;
    }
}
