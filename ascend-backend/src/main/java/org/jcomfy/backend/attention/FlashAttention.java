package org.jcomfy.backend.attention;

import java.util.Arrays;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.threads.CpuThreads;
import org.jcomfy.backend.threads.Scratch;

/**
 * Tiled attention with an online softmax (FlashAttention's schedule on a CPU): for each
 * block of queries it walks the keys block by block, keeps a running row maximum and
 * row sum, rescales the partial output when the maximum grows, and divides once at the
 * end. The full {@code [Sq, Sk]} score matrix never exists; a task holds one
 * {@code [blockQueries, blockKeys]} score block, its output rows and the head's packed
 * keys and values, so memory grows with S, not S².
 *
 * <p>Work is split over (batch, head, query block) by {@link HeadWaves}; keys are transposed
 * once per head ({@link PackedHead}) so the QKᵀ tile reads consecutive keys.
 */
public final class FlashAttention extends RowSoftmaxAttention {
    public static final String NAME = "flash";

    /** Key-block size that {@link #FlashAttention(CpuThreads)} means: chosen per call from the head dim. */
    public static final int KEY_BLOCK_BY_HEAD_DIM = 0;

    private final int blockQueries;
    private final int blockKeys;
    private final CpuThreads threads;

    /** 64 queries per block, keys per block by head dim ({@link #keyBlockFor}), on {@code threads}. */
    public FlashAttention(CpuThreads threads) {
        this(64, KEY_BLOCK_BY_HEAD_DIM, threads);
    }

    /**
     * Block sizes are rounded up to the row and key tiles; {@code blockKeys} may be
     * {@link #KEY_BLOCK_BY_HEAD_DIM}.
     */
    public FlashAttention(int blockQueries, int blockKeys, CpuThreads threads) {
        this.blockQueries = AttentionTiles.roundUp(Math.max(blockQueries, 1), AttentionTiles.ROW_TILE);
        this.blockKeys = blockKeys == KEY_BLOCK_BY_HEAD_DIM ? KEY_BLOCK_BY_HEAD_DIM
                : AttentionTiles.roundUp(Math.max(blockKeys, 1), AttentionTiles.KEY_TILE);
        this.threads = threads;
    }

    /**
     * About 32768 / headDim keys per block, between 128 and 512, so a block of kᵀ is ~128 KiB
     * whatever the head dim. Each key block costs a row max, a rescale of the output rows and a
     * pass over the bias per query row, independent of the head dim, so small heads need longer
     * blocks to amortise it; large heads (the VAE's 384) need shorter ones so kᵀ and v blocks stay
     * in a core's L2. Measured per 2 busy cores: T5 (d=64) 84-92 GFLOP/s with 128 keys, 105-117
     * with 512; S=4096 d=128 156-162 with 128, 163-172 with 256; VAE (d=384) 155 with 128, 131
     * with 256.
     */
    static int keyBlockFor(int headDim) {
        int keys = Math.clamp(32768 / Math.max(headDim, 1), 128, 512);
        return AttentionTiles.roundUp(keys, AttentionTiles.KEY_TILE);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(AttentionShape shape) {
        return true;
    }

    @Override
    Tensor run(Tensor q, Tensor k, Tensor v, Tensor bias, float scale, Tensor lse) {
        AttentionShape shape = AttentionShape.of(q, k, v, bias);
        Tensor qf = q.toF32(), kf = k.toF32(), vf = v.toF32();
        AttentionBias scoreBias = AttentionBias.of(bias);
        Tensor out = Tensor.zeros(DType.F32, shape.batch(), shape.queryLength(), shape.heads(), shape.valueDim());
        if (shape.queryLength() == 0 || shape.keyLength() == 0) return out; // no keys: every row is masked
        int queryBlocks = (shape.queryLength() + blockQueries - 1) / blockQueries;
        int perWave = HeadWaves.headsPerWave(queryBlocks, shape.batch() * shape.heads(), threads.threads(), Integer.MAX_VALUE);
        int keyBlock = blockKeys == KEY_BLOCK_BY_HEAD_DIM ? keyBlockFor(shape.headDim()) : blockKeys;
        HeadWaves.run(kf, vf, keyBlock, queryBlocks, perWave, threads,
                (head, slot, b, h, qb) -> queryBlock(qf, head, scoreBias, scale, out, lse, b, h, qb));
        return out;
    }

    private void queryBlock(Tensor q, PackedHead head, AttentionBias bias, float scale, Tensor out, Tensor lse, int b, int h,
                            int qb) {
        int i0 = qb * blockQueries;
        int rows = Math.min(blockQueries, (int) q.dim(1) - i0);
        int rowsPadded = AttentionTiles.roundUp(rows, AttentionTiles.ROW_TILE);
        int d = head.headDim, dvp = head.paddedValueDim, bk = head.blockKeys;
        Scratch scratch = Scratch.get();
        float[] qs = QueryRows.load(q, b, h, i0, rows, scale, scratch.zeroed(0, rowsPadded * d));
        float[] s = scratch.zeroed(1, rowsPadded * bk);
        float[] acc = scratch.zeroed(2, rowsPadded * dvp);
        float[] rowMax = scratch.zeroed(3, rows);
        float[] rowSum = scratch.zeroed(4, rows);
        Arrays.fill(rowMax, 0, rows, Float.NEGATIVE_INFINITY);

        for (int kb = 0, blocks = head.blockCount(); kb < blocks; kb++) {
            int key0 = kb * bk, n = head.blockLength(kb), w = head.blockWidth(kb), base = head.blockOffset(kb);
            // scores = (q·scale)·kᵀ for this block of keys
            for (int r = 0; r < rowsPadded; r += AttentionTiles.ROW_TILE) {
                for (int c = 0; c < w; c += AttentionTiles.KEY_TILE) {
                    AttentionTiles.scores(qs, r * d, d, head.keysTransposed, base + c, w, s, r * bk + c, bk);
                }
            }
            // online softmax: fold this block into each row's running max and sum
            for (int r = 0; r < rows; r++) {
                int at = r * bk;
                if (bias != null) bias.addTo(s, at, bias.row(b, h, i0 + r), key0, n);
                Arrays.fill(s, at + n, at + w, Float.NEGATIVE_INFINITY); // padding keys
                float newMax = Math.max(rowMax[r], AttentionTiles.max(s, at, w));
                if (newMax == Float.NEGATIVE_INFINITY) { // every key so far is masked
                    Arrays.fill(s, at, at + w, 0f);
                    continue;
                }
                float rescale = rowMax[r] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(rowMax[r] - newMax);
                rowSum[r] = rowSum[r] * rescale + AttentionTiles.expAndSum(s, at, w, newMax);
                if (rescale != 1f) AttentionTiles.scale(acc, r * dvp, dvp, rescale);
                rowMax[r] = newMax;
            }
            // acc += p·v
            for (int r = 0; r < rowsPadded; r += AttentionTiles.ROW_TILE) {
                for (int c = 0; c < dvp; c += AttentionTiles.VALUE_TILE) {
                    AttentionTiles.accumulateValues(s, r * bk, bk, n, head.values, key0 * dvp + c, dvp, acc, r * dvp + c, dvp);
                }
            }
        }
        QueryRows.store(out, lse, b, h, i0, rows, acc, dvp, rowMax, rowSum);
    }
}
