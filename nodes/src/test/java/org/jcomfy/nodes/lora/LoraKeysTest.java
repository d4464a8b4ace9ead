package org.jcomfy.nodes.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jcomfy.nodes.models.wan.dit.WanConfig;
import org.jcomfy.nodes.models.wan.dit.WanWeights;
import org.junit.jupiter.api.Test;

/** LoRA module names of the Wan DiT, over the keys of a real i2v 14B checkpoint (shapes only). */
class LoraKeysTest {
    private static final Set<String> I2V_KEYS = WanWeights.expectedShapes(WanConfig.i2v14B()).keySet();

    @Test
    void every_format_names_the_same_module() {
        Map<String, String> index = LoraKeys.index(I2V_KEYS);
        String module = "blocks.39.cross_attn.k_img";
        for (String name : new String[] {module, "diffusion_model." + module, "lora_unet_blocks_39_cross_attn_k_img",
                "transformer.blocks.39.attn2.add_k_proj", "blocks.39.attn2.add_k_proj", "transformer." + module,
                "lora_transformer_blocks_39_attn2_add_k_proj", "lycoris_blocks_39_cross_attn_k_img"}) {
            assertEquals(module, index.get(name), name);
        }
    }

    @Test
    void diffusers_names_follow_diffusers_wan_conversion() {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("blocks.0.self_attn.o", "blocks.0.attn1.to_out.0"),
                Map.entry("blocks.0.cross_attn.q", "blocks.0.attn2.to_q"),
                Map.entry("blocks.0.cross_attn.v_img", "blocks.0.attn2.add_v_proj"),
                Map.entry("blocks.0.cross_attn.norm_k_img", "blocks.0.attn2.norm_added_k"),
                Map.entry("blocks.0.ffn.2", "blocks.0.ffn.net.2"),
                Map.entry("blocks.0.norm3", "blocks.0.norm2"),
                Map.entry("blocks.0.modulation", "blocks.0.scale_shift_table"),
                Map.entry("time_projection.1", "condition_embedder.time_proj"),
                Map.entry("text_embedding.2", "condition_embedder.text_embedder.linear_2"),
                Map.entry("img_emb.proj.3", "condition_embedder.image_embedder.ff.net.2"),
                Map.entry("head.head", "proj_out"),
                Map.entry("head.modulation", "scale_shift_table"));
        expected.forEach((official, diffusers) -> assertEquals(diffusers, LoraKeys.diffusersName(official), official));
        assertNull(LoraKeys.diffusersName("blocks.0.unknown"));
    }

    @Test
    void no_name_refers_to_two_modules_and_every_module_has_a_diffusers_name() {
        Map<String, String> seen = new HashMap<>();
        Set<String> modules = new HashSet<>();
        for (String key : I2V_KEYS) {
            if (key.endsWith(".bias")) continue;
            String module = key.endsWith(".weight") ? key.substring(0, key.length() - 7) : key;
            modules.add(module);
            assertTrue(LoraKeys.diffusersName(module) != null, module);
        }
        Map<String, String> index = LoraKeys.index(I2V_KEYS);
        for (String module : modules) {
            for (String name : new String[] {module, "lora_unet_" + module.replace('.', '_'), "transformer." + LoraKeys.diffusersName(module)}) {
                String previous = seen.put(name, module);
                assertTrue(previous == null || previous.equals(module), name + " names " + previous + " and " + module);
                assertEquals(module, index.get(name), name);
            }
        }
    }
}
