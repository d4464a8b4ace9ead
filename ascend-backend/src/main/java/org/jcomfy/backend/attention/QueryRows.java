package org.jcomfy.backend.attention;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;

/**
 * Moves a block of query rows of one (batch, head) between the strided {@code [B, S, H, ·]}
 * tensors and the dense, row-tile-padded arrays the tiles work on.
 */
final class QueryRows {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private QueryRows() {}

    /**
     * Rows {@code [i0, i0 + rows)} of q for (b, h), times {@code scale}, as {@code [rowsPadded][D]}
     * in {@code out}, which must be zero up to a multiple of {@link AttentionTiles#ROW_TILE} rows.
     */
    static float[] load(Tensor q, int b, int h, int i0, int rows, float scale, float[] out) {
        int sq = (int) q.dim(1), heads = (int) q.dim(2), d = (int) q.dim(3);
        MemorySegment data = q.data();
        for (int r = 0; r < rows; r++) {
            long at = (((long) b * sq + i0 + r) * heads + h) * d;
            MemorySegment.copy(data, F32, at * Float.BYTES, out, r * d, d);
        }
        if (scale != 1f) {
            for (int i = 0, n = rows * d; i < n; i++) out[i] *= scale;
        }
        return out;
    }

    /**
     * Writes {@code acc[r][0, Dv) / sums[r]} to rows {@code [i0, i0 + rows)} of out for (b, h);
     * a row whose sum is 0 (every key masked) is written as zeros.
     */
    static void store(Tensor out, int b, int h, int i0, int rows, float[] acc, int accStride, float[] sums) {
        store(out, null, b, h, i0, rows, acc, accStride, null, sums);
    }

    /** A {@code [B, Sq, H]} log-sum-exp for queries {@code q}, -inf (no key) until rows are stored. */
    static Tensor emptyLse(Tensor q) {
        Tensor lse = Tensor.zeros(DType.F32, q.dim(0), q.dim(1), q.dim(2));
        for (long i = 0, n = lse.numel(); i < n; i++) lse.data().setAtIndex(F32, i, Float.NEGATIVE_INFINITY);
        return lse;
    }

    /**
     * {@link #store(Tensor, int, int, int, int, float[], int, float[])}, and when {@code lse} is not
     * null its rows {@code [i0, i0 + rows)} for (b, h): {@code max + log(sum)} of each row's scores
     * (-inf for a row whose keys are all masked), the part a {@code PartialAttention} merge needs.
     */
    static void store(Tensor out, Tensor lse, int b, int h, int i0, int rows, float[] acc, int accStride, float[] maxes,
                      float[] sums) {
        if (lse != null) {
            int sq = (int) lse.dim(1), heads = (int) lse.dim(2);
            for (int r = 0; r < rows; r++) {
                float value = sums[r] > 0 ? (float) (maxes[r] + Math.log(sums[r])) : Float.NEGATIVE_INFINITY;
                lse.data().setAtIndex(F32, ((long) b * sq + i0 + r) * heads + h, value);
            }
        }
        int sq = (int) out.dim(1), heads = (int) out.dim(2), dv = (int) out.dim(3);
        MemorySegment data = out.data();
        for (int r = 0; r < rows; r++) {
            float inv = sums[r] > 0 ? 1f / sums[r] : 0f;
            int at = r * accStride;
            AttentionTiles.scale(acc, at, accStride, inv);
            long dst = (((long) b * sq + i0 + r) * heads + h) * dv;
            MemorySegment.copy(acc, at, data, F32, dst * Float.BYTES, dv);
        }
    }
}
