package org.jcomfy.nodes.lora;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The names under which LoRA files refer to a module of the Wan DiT, as ComfyUI maps them
 * ({@code comfy/lora.py} {@code model_lora_keys_unet}) plus the diffusers names that PEFT
 * trainers write. A module is a model key without {@code .weight} ({@code blocks.0.self_attn.q}),
 * or the whole key of a parameter that has no {@code .weight} ({@code blocks.0.modulation}).
 * Each module is known as:
 * <ul>
 *   <li>{@code blocks.0.self_attn.q} and {@code diffusion_model.blocks.0.self_attn.q}
 *       (ComfyUI's own LoRAs, diffusion-pipe, lightx2v);</li>
 *   <li>{@code lora_unet_blocks_0_self_attn_q} (kohya / musubi-tuner, dots as underscores);</li>
 *   <li>{@code transformer.blocks.0.attn1.to_q} and {@code blocks.0.attn1.to_q} (diffusers / PEFT,
 *       with diffusers' module names), {@code lora_transformer_blocks_0_attn1_to_q} (OneTrainer),
 *       and {@code transformer.blocks.0.self_attn.q};</li>
 *   <li>{@code lycoris_blocks_0_self_attn_q} (SimpleTuner's LyCORIS files).</li>
 * </ul>
 */
public final class LoraKeys {
    private LoraKeys() {}

    /** Diffusers' names of a block's modules (diffusers' Wan conversion), by the official names. */
    private static final Map<String, String> DIFFUSERS_BLOCK = Map.ofEntries(
            Map.entry("self_attn.q", "attn1.to_q"),
            Map.entry("self_attn.k", "attn1.to_k"),
            Map.entry("self_attn.v", "attn1.to_v"),
            Map.entry("self_attn.o", "attn1.to_out.0"),
            Map.entry("self_attn.norm_q", "attn1.norm_q"),
            Map.entry("self_attn.norm_k", "attn1.norm_k"),
            Map.entry("cross_attn.q", "attn2.to_q"),
            Map.entry("cross_attn.k", "attn2.to_k"),
            Map.entry("cross_attn.v", "attn2.to_v"),
            Map.entry("cross_attn.o", "attn2.to_out.0"),
            Map.entry("cross_attn.norm_q", "attn2.norm_q"),
            Map.entry("cross_attn.norm_k", "attn2.norm_k"),
            Map.entry("cross_attn.k_img", "attn2.add_k_proj"),
            Map.entry("cross_attn.v_img", "attn2.add_v_proj"),
            Map.entry("cross_attn.norm_k_img", "attn2.norm_added_k"),
            Map.entry("ffn.0", "ffn.net.0.proj"),
            Map.entry("ffn.2", "ffn.net.2"),
            // diffusers numbers the norms in the order they run: official norm3 (cross-attention) is its norm2
            Map.entry("norm3", "norm2"),
            Map.entry("modulation", "scale_shift_table"));

    /** Diffusers' names of the modules outside the blocks. */
    private static final Map<String, String> DIFFUSERS_TOP = Map.ofEntries(
            Map.entry("patch_embedding", "patch_embedding"),
            Map.entry("time_embedding.0", "condition_embedder.time_embedder.linear_1"),
            Map.entry("time_embedding.2", "condition_embedder.time_embedder.linear_2"),
            Map.entry("text_embedding.0", "condition_embedder.text_embedder.linear_1"),
            Map.entry("text_embedding.2", "condition_embedder.text_embedder.linear_2"),
            Map.entry("time_projection.1", "condition_embedder.time_proj"),
            Map.entry("head.head", "proj_out"),
            Map.entry("head.modulation", "scale_shift_table"),
            Map.entry("img_emb.proj.0", "condition_embedder.image_embedder.norm1"),
            Map.entry("img_emb.proj.1", "condition_embedder.image_embedder.ff.net.0.proj"),
            Map.entry("img_emb.proj.3", "condition_embedder.image_embedder.ff.net.2"),
            Map.entry("img_emb.proj.4", "condition_embedder.image_embedder.norm2"),
            Map.entry("img_emb.emb_pos", "condition_embedder.image_embedder.pos_embed"));

    /**
     * Every LoRA module name → the model module it patches, for a model whose keys (model-relative,
     * {@code blocks.0.self_attn.q.weight}) are {@code modelKeys}. Biases are not modules of their
     * own: a {@code diff_b} patches the bias of its module.
     */
    public static Map<String, String> index(Set<String> modelKeys) {
        Map<String, String> index = new LinkedHashMap<>();
        for (String key : modelKeys) {
            if (key.endsWith(".bias")) continue;
            String module = key.endsWith(".weight") ? key.substring(0, key.length() - ".weight".length()) : key;
            index.put(module, module);
            index.put("diffusion_model." + module, module);
            index.put("lora_unet_" + module.replace('.', '_'), module);
            index.put("transformer." + module, module);
            index.put("lycoris_" + module.replace('.', '_'), module);
            String diffusers = diffusersName(module);
            if (diffusers != null) {
                index.putIfAbsent(diffusers, module);
                index.putIfAbsent("transformer." + diffusers, module);
                index.putIfAbsent("lora_transformer_" + diffusers.replace('.', '_'), module);
            }
        }
        return index;
    }

    /**
     * LoRA module name → module of Wan's UMT5 text encoder, whose file keys (ComfyUI's layout,
     * {@code encoder.block.0.layer.0.SelfAttention.q.weight}) are {@code encoderKeys}. ComfyUI holds
     * the encoder as {@code umt5xxl.transformer.<key>} and maps LoRA names
     * {@code text_encoders.umt5xxl.transformer.<module>} and, without the wrapper,
     * {@code text_encoders.transformer.<module>} ({@code model_lora_keys_clip}).
     */
    public static Map<String, String> textEncoderIndex(Set<String> encoderKeys) {
        Map<String, String> index = new LinkedHashMap<>();
        for (String key : encoderKeys) {
            if (!key.endsWith(".weight")) continue;
            String module = key.substring(0, key.length() - ".weight".length());
            index.put("text_encoders.umt5xxl.transformer." + module, module);
            index.put("text_encoders.transformer." + module, module);
        }
        return index;
    }

    /**
     * Whether a LoRA module name belongs to a text encoder (kohya {@code lora_te*_}, ComfyUI
     * {@code text_encoders.}, diffusers {@code text_encoder.}): such keys never patch the DiT.
     */
    public static boolean isTextEncoder(String name) {
        return name.startsWith("lora_te") || name.startsWith("text_encoders.") || name.startsWith("text_encoder.")
                || name.startsWith("text_encoder_2.");
    }

    /** Diffusers' name of an official Wan module ({@code blocks.3.self_attn.o} → {@code blocks.3.attn1.to_out.0}), or null. */
    public static String diffusersName(String module) {
        if (module.startsWith("blocks.")) {
            int dot = module.indexOf('.', "blocks.".length());
            if (dot < 0) return null;
            String inner = DIFFUSERS_BLOCK.get(module.substring(dot + 1));
            return inner == null ? null : module.substring(0, dot + 1) + inner;
        }
        return DIFFUSERS_TOP.get(module);
    }
}
