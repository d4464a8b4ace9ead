package org.jcomfy.nodes.models.wan.t5;

import java.util.List;
import org.jcomfy.backend.tensor.Tensor;

/**
 * Every tensor of a UMT5 encoder, in its stored dtype (f32, f16, bf16 or fp8; kernels widen).
 * Shapes use the config's names: V vocab, D dim, A dimAttn, F dimFfn, H heads, NB buckets.
 * Filled by {@link UmT5WeightsLoader} from official Wan or ComfyUI/HuggingFace key names.
 * The tensors are views of a memory-mapped file, which must stay open while they are used.
 */
public record UmT5Weights(
        UmT5Config config,
        Tensor tokenEmbedding,   // [V, D]   token_embedding.weight | shared.weight
        float tokenEmbeddingScale, // scale_weight of fp8-scaled files, else 1
        List<Block> blocks,
        Tensor finalNorm         // [D]      norm.weight | encoder.final_layer_norm.weight
) {
    /** A linear layer without bias: {@code y = x · (scale · W)ᵀ}. */
    public record Linear(
            Tensor weight,       // [out, in]
            float scale          // scale_weight of fp8-scaled files, else 1
    ) {}

    /** One encoder layer: pre-norm self-attention with its own relative bias, then pre-norm gated-GELU FFN. */
    public record Block(
            Tensor norm1,        // [D]      blocks.i.norm1.weight | layer.0.layer_norm.weight
            Linear q,            // [A, D]   blocks.i.attn.q.weight | layer.0.SelfAttention.q.weight
            Linear k,            // [A, D]
            Linear v,            // [A, D]
            Linear o,            // [D, A]
            Tensor relativeBias, // [NB, H]  blocks.i.pos_embedding.embedding.weight | SelfAttention.relative_attention_bias.weight
            Tensor norm2,        // [D]      blocks.i.norm2.weight | layer.1.layer_norm.weight
            Linear gate,         // [F, D]   blocks.i.ffn.gate.0.weight | layer.1.DenseReluDense.wi_0.weight (GELU branch)
            Linear fc1,          // [F, D]   blocks.i.ffn.fc1.weight | layer.1.DenseReluDense.wi_1.weight (linear branch)
            Linear fc2           // [D, F]   blocks.i.ffn.fc2.weight | layer.1.DenseReluDense.wo.weight
    ) {}
}
