package org.jcomfy.backend.attention;

import java.util.Arrays;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.threads.CpuThreads;
import org.jcomfy.backend.threads.Scratch;

/**
 * Attention as the textbook writes it, per (batch, head): the whole score matrix
 * {@code S = q·kᵀ·scale + bias} of {@code [Sq, Sk]} is materialised, each row goes through a
 * softmax, then {@code S·v}. Both products use the same register-blocked tiles as
 * {@link FlashAttention}; the difference is the {@code Sq·Sk} floats of memory per head in
 * flight (one head for long sequences, reused across heads; several short ones at once while
 * within {@code maxScoreBytes}) and a single softmax pass without rescaling. On the build
 * machine it trails flash by 5-10 % on short sequences and by 2x at S=32760 (bench/RESULTS.md);
 * it stays as a runtime-mode candidate, since the balance depends on caches and core counts.
 */
public final class NaiveAttention extends RowSoftmaxAttention {
    public static final String NAME = "naive";
    /** Default limit on the score matrix: 1 GiB. */
    public static final long DEFAULT_MAX_SCORE_BYTES = 1L << 30;

    private static final int BLOCK_QUERIES = 32;
    private static final int BLOCK_KEYS = AttentionTiles.roundUp(256, AttentionTiles.KEY_TILE);

    private final long maxScoreBytes;
    private final CpuThreads threads;

    public NaiveAttention(CpuThreads threads) {
        this(DEFAULT_MAX_SCORE_BYTES, threads);
    }

    /** {@code maxScoreBytes} bounds the materialised score matrix; larger shapes are not supported. */
    public NaiveAttention(long maxScoreBytes, CpuThreads threads) {
        this.maxScoreBytes = maxScoreBytes;
        this.threads = threads;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(AttentionShape shape) {
        long elements = scoreStride(shape.keyLength()) * (long) paddedRows(shape.queryLength());
        return elements <= Integer.MAX_VALUE - 16 && elements * Float.BYTES <= maxScoreBytes;
    }

    @Override
    Tensor run(Tensor q, Tensor k, Tensor v, Tensor bias, float scale, Tensor lse) {
        AttentionShape shape = AttentionShape.of(q, k, v, bias);
        if (!supports(shape)) {
            throw new IllegalArgumentException("naive attention: the " + shape + " score matrix exceeds "
                    + maxScoreBytes + " bytes");
        }
        Tensor qf = q.toF32(), kf = k.toF32(), vf = v.toF32();
        AttentionBias scoreBias = AttentionBias.of(bias);
        Tensor out = Tensor.zeros(DType.F32, shape.batch(), shape.queryLength(), shape.heads(), shape.valueDim());
        if (shape.queryLength() == 0 || shape.keyLength() == 0) return out; // no keys: every row is masked
        int stride = scoreStride(shape.keyLength());
        int matrix = paddedRows(shape.queryLength()) * stride;
        int queryBlocks = (shape.queryLength() + BLOCK_QUERIES - 1) / BLOCK_QUERIES;
        // one score matrix per head of a wave; short sequences may pack several heads while staying in budget
        int perWave = HeadWaves.headsPerWave(queryBlocks, shape.batch() * shape.heads(), threads.threads(),
                (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxScoreBytes / ((long) matrix * Float.BYTES))));
        float[][] scores = new float[perWave][];
        for (int i = 0; i < perWave; i++) scores[i] = new float[matrix];
        HeadWaves.run(kf, vf, BLOCK_KEYS, queryBlocks, perWave, threads,
                (head, slot, b, h, qb) -> queryBlock(qf, head, scoreBias, scale, scores[slot], stride, out, lse,
                        b, h, qb));
        return out;
    }

    private static int paddedRows(int queries) {
        int blocks = (queries + BLOCK_QUERIES - 1) / BLOCK_QUERIES;
        return blocks * BLOCK_QUERIES;
    }

    private static int scoreStride(int keys) {
        return AttentionTiles.roundUp(keys, AttentionTiles.KEY_TILE);
    }

    /** Fills and uses rows {@code [qb·BLOCK_QUERIES, ...)} of the shared score matrix. */
    private static void queryBlock(Tensor q, PackedHead head, AttentionBias bias, float scale, float[] scores, int stride,
                                   Tensor out, Tensor lse, int b, int h, int qb) {
        int i0 = qb * BLOCK_QUERIES;
        int rows = Math.min(BLOCK_QUERIES, (int) q.dim(1) - i0);
        int rowsPadded = AttentionTiles.roundUp(rows, AttentionTiles.ROW_TILE);
        int d = head.headDim, dvp = head.paddedValueDim, keys = head.keys;
        Scratch scratch = Scratch.get();
        float[] qs = QueryRows.load(q, b, h, i0, rows, scale, scratch.zeroed(0, rowsPadded * d));
        int first = i0 * stride;

        // S = (q·scale)·kᵀ, one block of keys at a time
        for (int kb = 0, blocks = head.blockCount(); kb < blocks; kb++) {
            int w = head.blockWidth(kb), base = head.blockOffset(kb), col = kb * BLOCK_KEYS;
            for (int r = 0; r < rowsPadded; r += AttentionTiles.ROW_TILE) {
                for (int c = 0; c < w; c += AttentionTiles.KEY_TILE) {
                    AttentionTiles.scores(qs, r * d, d, head.keysTransposed, base + c, w, scores, first + r * stride + col + c, stride);
                }
            }
        }
        // P = softmax(S + bias) row by row, left unnormalised; the division happens on output
        float[] sums = scratch.zeroed(4, rows), maxes = scratch.zeroed(5, rows);
        for (int r = 0; r < rows; r++) {
            int at = first + r * stride;
            if (bias != null) bias.addTo(scores, at, bias.row(b, h, i0 + r), 0, keys);
            Arrays.fill(scores, at + keys, at + stride, Float.NEGATIVE_INFINITY);
            float max = AttentionTiles.max(scores, at, stride);
            maxes[r] = max;
            if (max == Float.NEGATIVE_INFINITY) {
                Arrays.fill(scores, at, at + stride, 0f); // every key masked: the row stays 0
            } else {
                sums[r] = AttentionTiles.expAndSum(scores, at, stride, max);
            }
        }
        // out = P·v / rowSum
        float[] acc = scratch.zeroed(2, rowsPadded * dvp);
        for (int r = 0; r < rowsPadded; r += AttentionTiles.ROW_TILE) {
            for (int c = 0; c < dvp; c += AttentionTiles.VALUE_TILE) {
                AttentionTiles.accumulateValues(scores, first + r * stride, stride, keys, head.values, c, dvp, acc, r * dvp + c, dvp);
            }
        }
        QueryRows.store(out, lse, b, h, i0, rows, acc, dvp, maxes, sums);
    }
}
