package org.jcomfy.backend.attention;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.threads.CpuThreads;

/**
 * Keys and values of one (batch, head), copied out of the strided {@code [B, S, H, D]} tensors
 * into the layouts the tiles read contiguously:
 * <ul>
 *   <li>kᵀ in blocks of {@code blockKeys} keys: block kb holds {@code [D][w]} with w the block's
 *       width rounded up to {@link AttentionTiles#KEY_TILE} (zeros beyond the last key), so the
 *       QKᵀ tile loads consecutive keys for one feature and broadcasts the query feature;</li>
 *   <li>v as {@code [Sk][Dv']} rows with Dv' rounded up to {@link AttentionTiles#VALUE_TILE} (zeros).</li>
 * </ul>
 * One instance is refilled for each head of a call ({@link #load}), so memory is
 * O(Sk·(D+Dv)): the size of one head's own inputs.
 */
final class PackedHead {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    final int keys, headDim, valueDim, blockKeys, paddedValueDim;
    final float[] keysTransposed;
    final float[] values;
    private final Tensor k, v;
    private final CpuThreads threads;

    /** Room for one head of k {@code [B, Sk, H, D]} and v {@code [B, Sk, H, Dv]} (float32). */
    PackedHead(Tensor k, Tensor v, int blockKeys, CpuThreads threads) {
        this.k = k;
        this.v = v;
        this.threads = threads;
        this.keys = (int) k.dim(1);
        this.headDim = (int) k.dim(3);
        this.valueDim = (int) v.dim(3);
        this.blockKeys = blockKeys;
        this.paddedValueDim = AttentionTiles.roundUp(valueDim, AttentionTiles.VALUE_TILE);
        this.keysTransposed = new float[blockOffset(blockCount())];
        this.values = new float[Math.multiplyExact(keys, paddedValueDim)];
    }

    /** Fills this with head {@code h} of batch {@code b}; key blocks are copied in parallel. */
    PackedHead load(int b, int h) {
        int heads = (int) k.dim(2), d = headDim, dv = valueDim;
        MemorySegment kd = k.data(), vd = v.data();
        threads.forEach(blockCount(), kb -> {
            int key0 = kb * blockKeys, width = blockWidth(kb), n = blockLength(kb), base = blockOffset(kb);
            float[] row = new float[d];
            for (int j = 0; j < n; j++) {
                long at = ((long) b * keys + key0 + j) * heads + h;
                MemorySegment.copy(kd, F32, at * d * Float.BYTES, row, 0, d);
                for (int e = 0; e < d; e++) keysTransposed[base + e * width + j] = row[e];
                MemorySegment.copy(vd, F32, at * dv * Float.BYTES, values, (key0 + j) * paddedValueDim, dv);
            }
        });
        return this;
    }

    int blockCount() {
        return (keys + blockKeys - 1) / blockKeys;
    }

    /** Number of real keys in block kb. */
    int blockLength(int kb) {
        return Math.min(blockKeys, keys - kb * blockKeys);
    }

    /** Stored width of block kb: its length rounded up to the key tile. */
    int blockWidth(int kb) {
        return AttentionTiles.roundUp(blockLength(kb), AttentionTiles.KEY_TILE);
    }

    /** Index of block kb's first element in {@link #keysTransposed} (every earlier block is full). */
    int blockOffset(int kb) {
        return Math.multiplyExact(Math.min(kb * blockKeys, AttentionTiles.roundUp(keys, AttentionTiles.KEY_TILE)), headDim);
    }
}
