package org.jcomfy.nodes.models.wan.dit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.wan.weights.ShapeRecorder;
import org.jcomfy.nodes.models.wan.weights.WeightReader;
import org.jcomfy.nodes.models.wan.weights.WeightSource;

/**
 * Every tensor of a Wan DiT (WAN-MODEL.md §1.8), one field per tensor, in its stored dtype.
 * Shapes use D = dim, F = ffnDim, T = textDim, Q = freqDim, C = inDim, O = outDim, V = clipDim.
 * {@link #read} is the one place where checkpoint keys appear: official Wan2.1 names, which
 * ComfyUI's repackaged files share (prefix {@code model.diffusion_model.} removed by
 * {@link WeightSource#withPrefixRemoved} with {@link #COMFY_PREFIXES}).
 */
public record WanWeights(
        Linear patchEmbedding,   // weight [D, C*1*2*2] (stored [D, C, 1, 2, 2], viewed flat), bias [D]
        Linear textEmbedding1,   // [D, T], [D]
        Linear textEmbedding2,   // [D, D], [D]
        Linear timeEmbedding1,   // [D, Q], [D]
        Linear timeEmbedding2,   // [D, D], [D]
        Linear timeProjection,   // [6D, D], [6D]
        List<Block> blocks,      // numLayers
        Tensor headModulation,   // [1, 2, D]
        Linear head,             // [O*4, D], [O*4]
        ImageProjection imageProjection) { // i2v/flf2v only, else null

    /** Prefixes under which ComfyUI finds a diffusion model inside a larger state dict ({@link WeightSource#withPrefixRemoved}). */
    public static final List<String> COMFY_PREFIXES = List.of("model.diffusion_model.", "model.model.", "net.");

    /** Number of CLIP tokens per image (ViT-H/14 at 224 px: 256 patches + class token). */
    public static final int CLIP_TOKENS = 257;

    /** {@code y = x · (scale · W)ᵀ + b}; scale is the fp8 {@code scale_weight} or 1. */
    public record Linear(Tensor weight, Tensor bias, float scale) {}

    /** q/k/v/o projections with RMS norms over the full width for q and k. */
    public record Attention(
            Linear q, Linear k, Linear v, Linear o, // each [D, D], [D]
            Tensor normQ,                           // [D]
            Tensor normK) {}                        // [D]

    /** One WanAttentionBlock (§1.4); norm1/norm2 have no parameters. */
    public record Block(
            Tensor modulation,   // [1, 6, D]
            Attention selfAttn,
            Tensor norm3Weight,  // [D]
            Tensor norm3Bias,    // [D]
            Attention crossAttn,
            ImageKeys imageKeys, // i2v/flf2v only, else null
            Linear ffn1,         // [F, D], [F]
            Linear ffn2) {}      // [D, F], [D]

    /** The i2v cross-attention's second key/value set, over the projected image rows. */
    public record ImageKeys(
            Linear k,            // [D, D], [D]
            Linear v,            // [D, D], [D]
            Tensor normK) {}     // [D]

    /**
     * {@code img_emb}: LayerNorm(V) → Linear(V→V) → GELU (erf) → Linear(V→D) → LayerNorm(D), both
     * LayerNorms affine with torch's default eps 1e-5; flf2v adds a position table first.
     */
    public record ImageProjection(
            Tensor norm1Weight,  // [V]
            Tensor norm1Bias,    // [V]
            Linear proj1,        // [V, V], [V]
            Linear proj2,        // [D, V], [D]
            Tensor norm2Weight,  // [D]
            Tensor norm2Bias,    // [D]
            Tensor positions) {} // flf2v: [1, 2*257, V], else null

    /**
     * Loads a checkpoint for {@code config}: every expected key must be there with its exact
     * shape, and no other key may be left over (except ComfyUI's {@code scaled_fp8} marker and
     * {@code *.scale_input}, which only matter for fp8 matmuls).
     */
    public static WanWeights load(WeightSource source, WanConfig config) {
        if (config.modelType() != WanModelType.T2V && !config.hasImageProjection()) {
            throw new UnsupportedOperationException(source.origin() + ": Wan " + config.modelType().comfyName()
                    + " models are detected but not supported yet (t2v, i2v and flf2v are)");
        }
        WanWeights weights = read(source, config);
        source.requireAllUsed(key -> key.equals("scaled_fp8") || key.endsWith(".scale_input"));
        return weights;
    }

    /** The keys and shapes a {@code config} model's checkpoint holds, without allocating any. */
    public static Map<String, long[]> expectedShapes(WanConfig config) {
        ShapeRecorder recorder = new ShapeRecorder();
        read(recorder, config);
        return recorder.shapes();
    }

    /** The key mapping: checkpoint names → fields (public so a LoRA can rebuild the weights with some tensors replaced). */
    public static WanWeights read(WeightReader r, WanConfig c) {
        long d = c.dim();
        Tensor patch = r.take("patch_embedding.weight", d, c.inDim(), c.patchSize()[0], c.patchSize()[1], c.patchSize()[2]);
        Linear patchEmbedding = new Linear(patch == null ? null : patch.reshape(d, c.patchInFeatures()),
                r.take("patch_embedding.bias", d), r.weightScale("patch_embedding"));
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            String b = "blocks." + i + ".";
            blocks.add(new Block(
                    r.take(b + "modulation", 1, 6, d),
                    attention(r, b + "self_attn", d),
                    r.take(b + "norm3.weight", d),
                    r.take(b + "norm3.bias", d),
                    attention(r, b + "cross_attn", d),
                    c.hasImageProjection() ? new ImageKeys(linear(r, b + "cross_attn.k_img", d, d),
                            linear(r, b + "cross_attn.v_img", d, d), r.take(b + "cross_attn.norm_k_img.weight", d)) : null,
                    linear(r, b + "ffn.0", c.ffnDim(), d),
                    linear(r, b + "ffn.2", d, c.ffnDim())));
        }
        return new WanWeights(
                patchEmbedding,
                linear(r, "text_embedding.0", d, c.textDim()),
                linear(r, "text_embedding.2", d, d),
                linear(r, "time_embedding.0", d, c.freqDim()),
                linear(r, "time_embedding.2", d, d),
                linear(r, "time_projection.1", 6 * d, d),
                List.copyOf(blocks),
                r.take("head.modulation", 1, 2, d),
                linear(r, "head.head", c.patchOutFeatures(), d),
                c.hasImageProjection() ? imageProjection(r, c) : null);
    }

    private static ImageProjection imageProjection(WeightReader r, WanConfig c) {
        long v = c.clipDim(), d = c.dim();
        return new ImageProjection(
                r.take("img_emb.proj.0.weight", v),
                r.take("img_emb.proj.0.bias", v),
                linear(r, "img_emb.proj.1", v, v),
                linear(r, "img_emb.proj.3", d, v),
                r.take("img_emb.proj.4.weight", d),
                r.take("img_emb.proj.4.bias", d),
                c.modelType() == WanModelType.FLF2V ? r.take("img_emb.emb_pos", 1, 2 * CLIP_TOKENS, v) : null);
    }

    private static Attention attention(WeightReader r, String prefix, long d) {
        return new Attention(
                linear(r, prefix + ".q", d, d),
                linear(r, prefix + ".k", d, d),
                linear(r, prefix + ".v", d, d),
                linear(r, prefix + ".o", d, d),
                r.take(prefix + ".norm_q.weight", d),
                r.take(prefix + ".norm_k.weight", d));
    }

    private static Linear linear(WeightReader r, String layer, long out, long in) {
        return new Linear(r.take(layer + ".weight", out, in), r.take(layer + ".bias", out), r.weightScale(layer));
    }
}
