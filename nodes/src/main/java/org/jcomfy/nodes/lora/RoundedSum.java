package org.jcomfy.nodes.lora;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.jcomfy.backend.tensor.Floats;
import org.jcomfy.backend.tensor.Tensor;

/**
 * {@code out = base + factor · change} in one pass over the elements: {@code base} widened, the sum
 * in float32, rounded once into {@code out}'s dtype. One pass because a LoRA over a large model
 * touches billions of elements, and separate widen, scale, add and narrow passes cost several
 * times more. float32 and bf16 (the common stored dtypes) read the storage directly; the others go
 * through the tensor's element access.
 */
final class RoundedSum {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private RoundedSum() {}

    /** {@code change} is float32 with {@code base}'s element count; {@code out} has {@code base}'s dtype and shape. */
    static void addInto(Tensor out, Tensor base, Tensor change, float factor) {
        MemorySegment o = out.data(), b = base.data(), c = change.data();
        long n = base.numel();
        switch (base.dtype()) {
            case F32 -> {
                for (long i = 0; i < n; i++) o.setAtIndex(F32, i, b.getAtIndex(F32, i) + factor * c.getAtIndex(F32, i));
            }
            case BF16 -> {
                for (long i = 0; i < n; i++) {
                    float v = Floats.bf16ToFloat(b.getAtIndex(I16, i)) + factor * c.getAtIndex(F32, i);
                    o.setAtIndex(I16, i, Floats.floatToBf16(v));
                }
            }
            default -> {
                for (long i = 0; i < n; i++) out.setFloat(i, base.getFloat(i) + factor * change.getFloat(i));
            }
        }
    }
}
