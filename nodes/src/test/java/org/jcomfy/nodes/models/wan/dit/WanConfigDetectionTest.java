package org.jcomfy.nodes.models.wan.dit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jcomfy.nodes.models.wan.weights.WeightSource;
import org.junit.jupiter.api.Test;

/** Detection from shape maps only (what a safetensors header holds), for the released sizes. */
class WanConfigDetectionTest {

    @Test
    void the_1_3B_layout_is_detected_and_has_the_official_parameter_count() {
        Map<String, long[]> shapes = WanWeights.expectedShapes(WanConfig.t2v1_3B());
        assertEquals(WanConfig.t2v1_3B(), WanConfig.detect(shapes));
        assertEquals(825, shapes.size());
        assertEquals(1_418_996_800L, parameters(shapes));
    }

    @Test
    void the_14B_layout_is_detected_and_has_the_official_parameter_count() {
        Map<String, long[]> shapes = WanWeights.expectedShapes(WanConfig.t2v14B());
        WanConfig c = WanConfig.detect(shapes);
        assertEquals(WanConfig.t2v14B(), c);
        assertEquals(40, c.numHeads());
        assertEquals(14_288_491_584L, parameters(shapes));
    }

    @Test
    void the_wan22_5B_sizes_come_from_the_shapes() {
        WanConfig five = new WanConfig(3072, 14336, 256, 4096, 512, 48, 48, 24, 30, new int[] {1, 2, 2}, 1e-6f,
                WanModelType.T2V, 0);
        assertEquals(five, WanConfig.detect(WanWeights.expectedShapes(five)));
    }

    @Test
    void a_36_channel_model_without_image_projection_is_t2v_as_in_comfyui() {
        WanConfig expert = new WanConfig(5120, 13824, 256, 4096, 512, 36, 16, 40, 40, new int[] {1, 2, 2}, 1e-6f,
                WanModelType.T2V, 0);
        WanConfig c = WanConfig.detect(WanWeights.expectedShapes(expert));
        assertEquals(WanModelType.T2V, c.modelType());
        assertEquals(36, c.inDim());
    }

    @Test
    void the_i2v_14B_layout_is_detected_with_its_clip_width() {
        Map<String, long[]> shapes = WanWeights.expectedShapes(WanConfig.i2v14B());
        assertEquals(WanConfig.i2v14B(), WanConfig.detect(shapes));
        assertTrue(shapes.containsKey("blocks.39.cross_attn.k_img.weight"));
        assertTrue(shapes.containsKey("img_emb.proj.4.bias"));
    }

    @Test
    void an_image_projection_makes_i2v_and_its_position_embedding_flf2v() {
        Map<String, long[]> shapes = new LinkedHashMap<>(WanWeights.expectedShapes(WanConfig.t2v14B()));
        shapes.put("img_emb.proj.0.bias", new long[] {1280});
        assertEquals(WanModelType.I2V, WanConfig.detect(shapes).modelType());
        assertEquals(1280, WanConfig.detect(shapes).clipDim());
        shapes.put("img_emb.emb_pos", new long[] {1, 514, 1280});
        assertEquals(WanModelType.FLF2V, WanConfig.detect(shapes).modelType());
        shapes.put("vace_patch_embedding.weight", new long[] {5120, 96, 1, 2, 2});
        assertEquals(WanModelType.VACE, WanConfig.detect(shapes).modelType());
    }

    @Test
    void an_unsupported_variant_is_refused_by_name_before_any_tensor_is_read() {
        Map<String, long[]> shapes = new LinkedHashMap<>(WanWeights.expectedShapes(WanConfig.t2v1_3B()));
        shapes.put("vace_patch_embedding.weight", new long[] {1536, 96, 1, 2, 2});
        WanConfig c = WanConfig.detect(shapes);
        var e = assertThrows(UnsupportedOperationException.class,
                () -> WanWeights.load(WeightSource.of("vace.safetensors", Map.of()), c));
        assertTrue(e.getMessage().contains("vace.safetensors: Wan vace models are detected but not supported"), e.getMessage());
    }

    @Test
    void a_file_without_head_modulation_is_not_a_wan_model() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> WanConfig.detect(Map.of("encoder.block.0.layer.0.SelfAttention.q.weight", new long[] {4096, 4096})));
        assertTrue(e.getMessage().contains("head.modulation"), e.getMessage());
    }

    @Test
    void an_official_config_supplies_head_count_and_text_length_and_must_agree_with_the_shapes() {
        Map<String, long[]> shapes = WanWeights.expectedShapes(WanConfig.t2v1_3B().withNumLayers(2));
        WanConfig c = WanConfig.detect(shapes, "{\"dim\": 1536, \"num_heads\": 24, \"text_len\": 256, \"num_layers\": 2}");
        assertEquals(24, c.numHeads());
        assertEquals(256, c.textLen());
        var e = assertThrows(IllegalArgumentException.class,
                () -> WanConfig.detect(shapes, "{\"dim\": 2048, \"num_heads\": 16}"));
        assertTrue(e.getMessage().contains("dim = 2048"), e.getMessage());
    }

    private static long parameters(Map<String, long[]> shapes) {
        long n = 0;
        for (long[] s : shapes.values()) {
            long p = 1;
            for (long d : s) p *= d;
            n += p;
        }
        return n;
    }
}
