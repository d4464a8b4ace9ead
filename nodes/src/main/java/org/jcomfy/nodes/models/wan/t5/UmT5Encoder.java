package org.jcomfy.nodes.models.wan.t5;

import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.ActivationRecorder;

/**
 * The UMT5 encoder forward pass (WAN-MODEL.md §2.2–2.3, official {@code T5Encoder} with
 * {@code shared_pos=False}):
 * <pre>
 * x = token_embedding[ids]                         # no scaling
 * for each block:
 *     x = x + Attn(RMS1(x), bias = this block's relative-position bias + key mask)
 *     x = x + fc2(fc1(RMS2(x)) ⊙ gelu_tanh(gate(RMS2(x))))
 * out = RMS_final(x)
 * </pre>
 * Attention scores are {@code q·k} without the usual {@code 1/√d}; T5 folds that scale into
 * its weights. Masked keys get {@code -FLT_MAX} added to their bias, so their softmax weight
 * is exactly 0. Padded query rows are computed too (the caller zeroes or trims them).
 */
public final class UmT5Encoder {
    /** Added to the scores of padded keys (torch's {@code finfo(float32).min}). */
    private static final float MASKED = -Float.MAX_VALUE;

    private final UmT5Weights weights;
    private final Kernels kernels;

    public UmT5Encoder(UmT5Weights weights, Kernels kernels) {
        this.weights = weights;
        this.kernels = kernels;
    }

    public UmT5Config config() { return weights.config(); }

    /** {@code ids}, {@code mask}: integer {@code [B, L]} (mask 1 = real token); returns float32 {@code [B, L, dim]}. */
    public Tensor encode(Tensor ids, Tensor mask) {
        return encode(ids, mask, ActivationRecorder.NONE);
    }

    /** As {@link #encode(Tensor, Tensor)}, recording the named intermediates of the golden files. */
    public Tensor encode(Tensor ids, Tensor mask, ActivationRecorder rec) {
        UmT5Config c = weights.config();
        if (ids.rank() != 2 || mask.rank() != 2 || ids.dim(0) != mask.dim(0) || ids.dim(1) != mask.dim(1)) {
            throw new IllegalArgumentException("ids " + ids + " and mask " + mask + " must both be [B, L]");
        }
        long batch = ids.dim(0);
        int length = Math.toIntExact(ids.dim(1));

        // Token embedding (no scaling, unlike many transformers).
        Tensor x = kernels.embedding(weights.tokenEmbedding(), ids);
        if (weights.tokenEmbeddingScale() != 1f) x = kernels.scale(x, weights.tokenEmbeddingScale());
        rec.record("token_embedding_out", x);

        // Bucket of every (query, key) pair, shared by all blocks; each block has its own table.
        Tensor buckets = RelativePositionBuckets.table(length, c.numBuckets(), c.maxDistance());
        Tensor keyMask = additiveKeyMask(mask); // [B, 1, 1, L]

        for (int i = 0; i < c.numLayers(); i++) {
            UmT5Weights.Block b = weights.blocks().get(i);
            String name = "block" + i + "_";

            // Relative-position bias: table[bucket(j - i)] as [1, heads, Lq, Lk].
            Tensor posBias = kernels.permute(kernels.embedding(b.relativeBias(), buckets), 2, 0, 1)
                    .reshape(1, c.numHeads(), length, length);
            rec.record(name + "pos_bias", posBias);

            // Self-attention on the RMS-normed input, no score scaling.
            Tensor h = kernels.rmsNorm(x, b.norm1(), c.normEps());
            rec.record(name + "norm1_out", h);
            Tensor q = linear(h, b.q()).reshape(batch, length, c.numHeads(), c.headDim());
            Tensor k = linear(h, b.k()).reshape(batch, length, c.numHeads(), c.headDim());
            Tensor v = linear(h, b.v()).reshape(batch, length, c.numHeads(), c.headDim());
            Tensor attn = kernels.attention(q, k, v, kernels.add(posBias, keyMask), 1f);
            Tensor attnOut = linear(attn.reshape(batch, length, c.dimAttn()), b.o());
            rec.record(name + "attn_out", attnOut);
            x = kernels.add(x, attnOut);

            // Gated-GELU feed-forward: GELU on the gate branch, times the linear branch.
            h = kernels.rmsNorm(x, b.norm2(), c.normEps());
            rec.record(name + "norm2_out", h);
            Tensor gated = kernels.mul(linear(h, b.fc1()), kernels.geluTanh(linear(h, b.gate())));
            Tensor ffnOut = linear(gated, b.fc2());
            rec.record(name + "ffn_out", ffnOut);
            x = kernels.add(x, ffnOut);
            rec.record(name + "out", x);
        }

        Tensor out = kernels.rmsNorm(x, weights.finalNorm(), c.normEps());
        rec.record("output", out);
        return out;
    }

    private Tensor linear(Tensor x, UmT5Weights.Linear layer) {
        return kernels.linear(x, layer.weight(), null, layer.scale());
    }

    /** 0 where mask is 1 and -FLT_MAX where it is 0, shaped {@code [B, 1, 1, L]} to broadcast over heads and queries. */
    private static Tensor additiveKeyMask(Tensor mask) {
        long batch = mask.dim(0), length = mask.dim(1);
        Tensor out = Tensor.zeros(DType.F32, batch, 1, 1, length);
        for (long i = 0; i < batch * length; i++) out.setFloat(i, mask.getLong(i) != 0 ? 0f : MASKED);
        return out;
    }
}
