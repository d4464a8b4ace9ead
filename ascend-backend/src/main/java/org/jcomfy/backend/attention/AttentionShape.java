package org.jcomfy.backend.attention;

import java.util.Arrays;
import org.jcomfy.backend.tensor.Tensor;

/**
 * The shape key of one attention call: everything an implementation's speed depends on
 * (batch, query and key lengths, heads, head dims, whether a bias is added), nothing that
 * depends on values. The selector remembers its choice per key.
 */
public record AttentionShape(int batch, int queryLength, int keyLength, int heads, int headDim, int valueDim,
                             boolean hasBias) {

    /**
     * Reads and checks the shape of q {@code [B, Sq, H, D]}, k {@code [B, Sk, H, D]},
     * v {@code [B, Sk, H, Dv]} and an optional bias broadcasting from {@code [B|1, H|1, Sq|1, Sk]}.
     *
     * @throws IllegalArgumentException naming the tensors when the shapes do not fit together
     */
    public static AttentionShape of(Tensor q, Tensor k, Tensor v, Tensor bias) {
        if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4) {
            throw mismatch("q, k and v must be rank 4 [B, S, H, D]", q, k, v, bias);
        }
        long b = q.dim(0), sq = q.dim(1), h = q.dim(2), d = q.dim(3);
        long sk = k.dim(1), dv = v.dim(3);
        if (k.dim(0) != b || v.dim(0) != b || k.dim(2) != h || v.dim(2) != h || k.dim(3) != d || v.dim(1) != sk) {
            throw mismatch("q, k and v disagree on batch, heads, head dim or key length", q, k, v, bias);
        }
        if (bias != null) {
            boolean fits = bias.rank() == 4
                    && (bias.dim(0) == 1 || bias.dim(0) == b)
                    && (bias.dim(1) == 1 || bias.dim(1) == h)
                    && (bias.dim(2) == 1 || bias.dim(2) == sq)
                    && bias.dim(3) == sk;
            if (!fits) throw mismatch("bias must broadcast from [B|1, H|1, Sq|1, Sk]", q, k, v, bias);
        }
        long[] all = {b, sq, h, d, sk, dv};
        for (long n : all) {
            if (n > Integer.MAX_VALUE) throw mismatch("a dimension is too large", q, k, v, bias);
        }
        return new AttentionShape((int) b, (int) sq, (int) sk, (int) h, (int) d, (int) dv, bias != null);
    }

    /** Multiply-adds of QKᵀ and PV counted as two operations each: {@code 2·B·H·Sq·Sk·(D+Dv)}. */
    public double flops() {
        return 2.0 * batch * heads * (double) queryLength * keyLength * (headDim + valueDim);
    }

    @Override
    public String toString() {
        return "B=" + batch + " Sq=" + queryLength + " Sk=" + keyLength + " H=" + heads + " D=" + headDim
                + " Dv=" + valueDim + (hasBias ? " bias" : "");
    }

    private static IllegalArgumentException mismatch(String why, Tensor q, Tensor k, Tensor v, Tensor bias) {
        return new IllegalArgumentException("attention: " + why + "; got q" + Arrays.toString(q.shape())
                + " k" + Arrays.toString(k.shape()) + " v" + Arrays.toString(v.shape())
                + (bias == null ? "" : " bias" + Arrays.toString(bias.shape())));
    }
}
