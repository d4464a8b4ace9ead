package org.jcomfy.nodes.models.wan.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;

class WeightSourceTest {
    private static final List<String> COMFY = List.of("model.diffusion_model.", "model.model.", "net.");

    @Test
    void the_dominant_comfyui_prefix_is_stripped_and_other_models_in_the_file_are_ignored() {
        Map<String, Tensor> stored = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) stored.put("model.diffusion_model.blocks." + i + ".w", Tensor.zeros(DType.F32, 2));
        stored.put("first_stage_model.decoder.conv1.weight", Tensor.zeros(DType.F32, 2));
        stored.put("scaled_fp8", Tensor.zeros(DType.F8_E4M3FN, 0));
        WeightSource source = WeightSource.of("bundle", stored).withPrefixRemoved(COMFY);
        assertTrue(source.contains("blocks.0.w"));
        assertTrue(source.contains("scaled_fp8"), "top-level markers stay visible");
        assertEquals(7, source.shapes().size());
    }

    @Test
    void five_prefixed_keys_are_too_few_to_count_as_a_prefix_as_in_comfyui() {
        Map<String, Tensor> stored = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) stored.put("net.blocks." + i + ".w", Tensor.zeros(DType.F32, 2));
        assertEquals(Set.of("net.blocks.0.w", "net.blocks.1.w", "net.blocks.2.w", "net.blocks.3.w", "net.blocks.4.w"),
                WeightSource.of("small", stored).withPrefixRemoved(COMFY).shapes().keySet());
    }

    @Test
    void an_fp8_scale_must_be_a_single_number() {
        WeightSource source = WeightSource.of("f.safetensors", Map.of("ffn.0.scale_weight", Tensor.zeros(DType.F32, 2)));
        var e = assertThrows(WeightsException.class, () -> source.weightScale("ffn.0"));
        assertTrue(e.getMessage().contains("f.safetensors: tensor 'ffn.0.scale_weight' has shape [2]"), e.getMessage());
    }

    @Test
    void an_integer_tensor_is_not_accepted_as_a_weight() {
        WeightSource source = WeightSource.of("f.safetensors", Map.of("ffn.0.weight", Tensor.zeros(DType.I64, 2)));
        var e = assertThrows(WeightsException.class, () -> source.take("ffn.0.weight", 2));
        assertTrue(e.getMessage().contains("is I64, not a floating-point weight"), e.getMessage());
    }

    @Test
    void keys_never_taken_are_reported_unless_declared_ignorable() {
        WeightSource source = WeightSource.of("f.safetensors", Map.of(
                "a.weight", Tensor.zeros(DType.F32, 1), "a.scale_input", Tensor.zeros(DType.F32, 1)));
        source.take("a.weight", 1);
        source.requireAllUsed(k -> k.endsWith(".scale_input"));
        var e = assertThrows(WeightsException.class, () -> source.requireAllUsed(k -> false));
        assertTrue(e.getMessage().contains("1 unexpected tensor(s), e.g. [a.scale_input]"), e.getMessage());
    }

    @Test
    void a_negative_expected_size_accepts_any_size_in_that_dimension_only() {
        WeightSource source = WeightSource.of("f.safetensors", Map.of("embedding.weight", Tensor.zeros(DType.F32, 7, 4)));
        assertEquals(7, source.take("embedding.weight", -1, 4).dim(0));
        var e = assertThrows(WeightsException.class, () -> source.take("embedding.weight", -1, 5));
        assertTrue(e.getMessage().contains("'embedding.weight' has shape [7, 4] but the detected model needs [-1, 5]"), e.getMessage());
    }

    @Test
    void reading_a_shape_does_not_count_as_using_the_tensor() {
        WeightSource source = WeightSource.of("f.safetensors", Map.of("q.weight", Tensor.zeros(DType.F32, 3, 2)));
        assertEquals(List.of(3L, 2L), java.util.Arrays.stream(source.shape("q.weight")).boxed().toList());
        assertThrows(WeightsException.class, () -> source.requireAllUsed(k -> false));
        assertThrows(WeightsException.class, () -> source.shape("k.weight"));
    }
}
