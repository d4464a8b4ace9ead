package org.jcomfy.nodes.models.wan.dit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape of a Wan DiT (WAN-MODEL.md §1.1), detected from tensor shapes as ComfyUI's
 * {@code detect_unet_config} does (WAN-IN-COMFY.md §2).
 *
 * @param dim        model width D
 * @param ffnDim     hidden width of each block's FFN
 * @param freqDim    width of the time sinusoid (256 for released models)
 * @param textDim    width of the text encoder output (4096 = UMT5-XXL)
 * @param textLen    rows the text context is zero-padded to before the text MLP (512)
 * @param inDim      latent channels in (16; 36 for image-to-video)
 * @param outDim     latent channels out (16)
 * @param numHeads   attention heads; head dim = dim / numHeads
 * @param numLayers  number of attention blocks
 * @param patchSize  (t, h, w) patch, always (1, 2, 2) for Wan 2.1
 * @param eps        epsilon of every LayerNorm and RMSNorm of the DiT
 * @param modelType  the variant
 * @param clipDim    width of the CLIP image features that i2v/flf2v models project into the
 *                   context (1280 = ViT-H); 0 for models without an image projection
 */
public record WanConfig(int dim, int ffnDim, int freqDim, int textDim, int textLen, int inDim, int outDim,
                        int numHeads, int numLayers, int[] patchSize, float eps, WanModelType modelType, int clipDim) {

    /** The head dim of every released Wan model; ComfyUI derives numHeads = dim / 128. */
    public static final int RELEASED_HEAD_DIM = 128;
    public static final int RELEASED_TEXT_LEN = 512;
    private static final Pattern BLOCK_INDEX = Pattern.compile("^blocks\\.(\\d+)\\.");

    public WanConfig {
        if (dim <= 0 || numHeads <= 0 || dim % numHeads != 0) {
            throw new IllegalArgumentException("dim " + dim + " is not divisible into " + numHeads + " heads");
        }
        if ((dim / numHeads) % 2 != 0) {
            throw new IllegalArgumentException("head dim " + dim / numHeads + " must be even for RoPE");
        }
        if (freqDim % 2 != 0) throw new IllegalArgumentException("freqDim " + freqDim + " must be even");
        boolean imageProjection = modelType == WanModelType.I2V || modelType == WanModelType.FLF2V;
        if (imageProjection != (clipDim > 0)) {
            throw new IllegalArgumentException(modelType.comfyName() + " with clipDim " + clipDim);
        }
        patchSize = patchSize.clone();
    }

    public int headDim() { return dim / numHeads; }

    /** i2v and flf2v project CLIP image features into extra context rows ({@code img_emb}). */
    public boolean hasImageProjection() {
        return modelType == WanModelType.I2V || modelType == WanModelType.FLF2V;
    }

    /** Features of one output token before unpatchify: outDim · pt · ph · pw. */
    public int patchOutFeatures() { return outDim * patchSize[0] * patchSize[1] * patchSize[2]; }

    /** Features of one input patch: inDim · pt · ph · pw, flattened (c, kt, kh, kw). */
    public int patchInFeatures() { return inDim * patchSize[0] * patchSize[1] * patchSize[2]; }

    /** Wan2.1 text-to-video 1.3B. */
    public static WanConfig t2v1_3B() {
        return new WanConfig(1536, 8960, 256, 4096, 512, 16, 16, 12, 30, new int[] {1, 2, 2}, 1e-6f, WanModelType.T2V, 0);
    }

    /** Wan2.1 text-to-video 14B. */
    public static WanConfig t2v14B() {
        return new WanConfig(5120, 13824, 256, 4096, 512, 16, 16, 40, 40, new int[] {1, 2, 2}, 1e-6f, WanModelType.T2V, 0);
    }

    /** Wan2.1 image-to-video 14B (480p and 720p share the architecture). */
    public static WanConfig i2v14B() {
        return new WanConfig(5120, 13824, 256, 4096, 512, 36, 16, 40, 40, new int[] {1, 2, 2}, 1e-6f, WanModelType.I2V, 1280);
    }

    /** Same model, other layer count (benchmarks run a slice of the real architecture). */
    public WanConfig withNumLayers(int layers) {
        return new WanConfig(dim, ffnDim, freqDim, textDim, textLen, inDim, outDim, numHeads, layers, patchSize, eps, modelType,
                clipDim);
    }

    /** Detection for released models: head dim 128, text length 512. */
    public static WanConfig detect(Map<String, long[]> shapes) {
        return detect(shapes, RELEASED_HEAD_DIM, RELEASED_TEXT_LEN);
    }

    /**
     * Detects the config from model-relative key → shape (a safetensors header is enough; no
     * tensor is read). Head dim and text length are not visible in shapes; released models use
     * 128 and 512, small test models say theirs in a config (see {@link #detect(Map, String)}).
     */
    public static WanConfig detect(Map<String, long[]> shapes, int headDim, int textLen) {
        long[] headModulation = shapes.get("head.modulation");
        if (headModulation == null) {
            throw new IllegalArgumentException("not a Wan DiT: no 'head.modulation' tensor");
        }
        int dim = (int) headModulation[headModulation.length - 1];
        int outDim = (int) (need(shapes, "head.head.weight")[0] / 4);
        int inDim = (int) need(shapes, "patch_embedding.weight")[1];
        int ffnDim = (int) need(shapes, "blocks.0.ffn.0.weight")[0];
        int freqDim = (int) need(shapes, "time_embedding.0.weight")[1];
        int textDim = (int) need(shapes, "text_embedding.0.weight")[1];
        TreeSet<Integer> blocks = new TreeSet<>();
        for (String key : shapes.keySet()) {
            Matcher m = BLOCK_INDEX.matcher(key);
            if (m.find()) blocks.add(Integer.parseInt(m.group(1)));
        }
        if (dim % headDim != 0) {
            throw new IllegalArgumentException("model width " + dim + " is not a multiple of head dim " + headDim);
        }
        WanModelType type = detectType(shapes);
        boolean image = type == WanModelType.I2V || type == WanModelType.FLF2V;
        int clipDim = image ? (int) need(shapes, "img_emb.proj.0.bias")[0] : 0;
        return new WanConfig(dim, ffnDim, freqDim, textDim, textLen, inDim, outDim, dim / headDim, blocks.size(),
                new int[] {1, 2, 2}, 1e-6f, type, clipDim);
    }

    /** ComfyUI's model_type rules, first match wins (WAN-IN-COMFY.md §2). */
    static WanModelType detectType(Map<String, long[]> shapes) {
        if (shapes.containsKey("vace_patch_embedding.weight")) return WanModelType.VACE;
        if (shapes.containsKey("control_adapter.conv.weight")) {
            return shapes.containsKey("img_emb.proj.0.bias") ? WanModelType.CAMERA : WanModelType.CAMERA_2_2;
        }
        if (shapes.containsKey("casual_audio_encoder.encoder.final_linear.weight")) return WanModelType.S2V;
        if (shapes.containsKey("audio_proj.audio_proj_glob_1.layer.bias")) return WanModelType.HUMO;
        if (shapes.containsKey("face_adapter.fuser_blocks.0.k_norm.weight")) return WanModelType.ANIMATE;
        if (shapes.containsKey("img_emb.proj.0.bias")) {
            return shapes.containsKey("img_emb.emb_pos") ? WanModelType.FLF2V : WanModelType.I2V;
        }
        return WanModelType.T2V;
    }

    /**
     * Detection for files that come with an official {@code config.json} (the Wan2.1
     * checkpoint folders carry one; our golden files carry it as the {@code config} metadata
     * entry): its {@code num_heads}, {@code text_len} and {@code eps} give what shapes cannot
     * show, and the fields it shares with the shapes must agree.
     */
    public static WanConfig detect(Map<String, long[]> shapes, String officialConfigJson) {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(officialConfigJson);
        } catch (IOException e) {
            throw new IllegalArgumentException("config is not valid JSON: " + e.getMessage(), e);
        }
        long[] headModulation = need(shapes, "head.modulation");
        int dim = (int) headModulation[headModulation.length - 1];
        int heads = json.path("num_heads").asInt(dim / RELEASED_HEAD_DIM);
        if (heads <= 0 || dim % heads != 0) {
            throw new IllegalArgumentException("config says num_heads = " + heads + ", which does not divide dim " + dim);
        }
        WanConfig c = detect(shapes, dim / heads, json.path("text_len").asInt(RELEASED_TEXT_LEN));
        agree(json, "dim", c.dim());
        agree(json, "ffn_dim", c.ffnDim());
        agree(json, "freq_dim", c.freqDim());
        agree(json, "in_dim", c.inDim());
        agree(json, "out_dim", c.outDim());
        agree(json, "num_layers", c.numLayers());
        agree(json, "text_dim", c.textDim());
        float eps = (float) json.path("eps").asDouble(c.eps());
        return new WanConfig(c.dim(), c.ffnDim(), c.freqDim(), c.textDim(), c.textLen(), c.inDim(), c.outDim(),
                c.numHeads(), c.numLayers(), c.patchSize(), eps, c.modelType(), c.clipDim());
    }

    private static void agree(JsonNode json, String field, int detected) {
        if (json.has(field) && json.get(field).asInt() != detected) {
            throw new IllegalArgumentException("config says " + field + " = " + json.get(field).asInt()
                    + " but the weights' shapes say " + detected);
        }
    }

    private static long[] need(Map<String, long[]> shapes, String key) {
        long[] s = shapes.get(key);
        if (s == null) throw new IllegalArgumentException("Wan DiT weights lack '" + key + "'");
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WanConfig c && dim == c.dim && ffnDim == c.ffnDim && freqDim == c.freqDim
                && textDim == c.textDim && textLen == c.textLen && inDim == c.inDim && outDim == c.outDim
                && numHeads == c.numHeads && numLayers == c.numLayers && Arrays.equals(patchSize, c.patchSize)
                && Float.compare(eps, c.eps) == 0 && modelType == c.modelType && clipDim == c.clipDim;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[] {dim, ffnDim, freqDim, textDim, textLen, inDim, outDim, numHeads, numLayers, clipDim})
                + modelType.hashCode();
    }

    @Override
    public String toString() {
        return "WanConfig[" + modelType.comfyName() + " dim=" + dim + " ffn=" + ffnDim + " heads=" + numHeads
                + " layers=" + numLayers + " in=" + inDim + " out=" + outDim + " text=" + textDim + "x" + textLen
                + " freq=" + freqDim + " patch=" + Arrays.toString(patchSize) + " eps=" + eps
                + (clipDim > 0 ? " clip=" + clipDim : "") + "]";
    }
}
