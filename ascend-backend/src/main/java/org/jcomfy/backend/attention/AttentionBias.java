package org.jcomfy.backend.attention;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.jcomfy.backend.tensor.Tensor;

/**
 * An additive score bias that broadcasts from {@code [B|1, H|1, Sq|1, Sk]}: finds the row of
 * keys for a (batch, head, query) and adds a stretch of it to a block of scores.
 */
final class AttentionBias {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private final MemorySegment data;
    private final long batchStride, headStride, rowStride;

    private AttentionBias(Tensor bias) {
        this.data = bias.data();
        long sk = bias.dim(3), rows = bias.dim(2), heads = bias.dim(1);
        this.rowStride = rows == 1 ? 0 : sk;
        this.headStride = heads == 1 ? 0 : rows * sk;
        this.batchStride = bias.dim(0) == 1 ? 0 : heads * rows * sk;
    }

    /** The bias as float32, or null for none. */
    static AttentionBias of(Tensor bias) {
        return bias == null ? null : new AttentionBias(bias.toF32());
    }

    /** Element index of key 0 in the bias row of (batch b, head h, query i). */
    long row(int b, int h, int i) {
        return b * batchStride + h * headStride + i * rowStride;
    }

    /** {@code scores[at + j] += bias[row + key0 + j]} for j in {@code [0, n)}. */
    void addTo(float[] scores, int at, long row, int key0, int n) {
        long byteOffset = (row + key0) * Float.BYTES;
        int j = 0;
        for (int end = F.loopBound(n); j < end; j += F.length()) {
            FloatVector b = FloatVector.fromMemorySegment(F, data, byteOffset + (long) j * Float.BYTES, ByteOrder.nativeOrder());
            FloatVector.fromArray(F, scores, at + j).add(b).intoArray(scores, at + j);
        }
        for (; j < n; j++) {
            scores[at + j] += data.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, row + key0 + j);
        }
    }
}
