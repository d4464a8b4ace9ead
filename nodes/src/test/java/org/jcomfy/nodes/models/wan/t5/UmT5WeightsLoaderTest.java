package org.jcomfy.nodes.models.wan.t5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.jcomfy.backend.device.Device;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.io.SafeTensorsWriter;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.wan.weights.WeightSource;
import org.jcomfy.nodes.models.wan.weights.WeightsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the golden umt5-tiny weights rewritten in ComfyUI's key names and stored dtypes. */
class UmT5WeightsLoaderTest {
    @TempDir Path tmp;

    /** Official key → ComfyUI/HuggingFace key. */
    static String comfyName(String official) {
        String k = official
                .replace("token_embedding.weight", "shared.weight")
                .replace("attn.", "layer.0.SelfAttention.")
                .replace("pos_embedding.embedding.weight", "layer.0.SelfAttention.relative_attention_bias.weight")
                .replace("norm1.weight", "layer.0.layer_norm.weight")
                .replace("norm2.weight", "layer.1.layer_norm.weight")
                .replace("ffn.gate.0.weight", "layer.1.DenseReluDense.wi_0.weight")
                .replace("ffn.fc1.weight", "layer.1.DenseReluDense.wi_1.weight")
                .replace("ffn.fc2.weight", "layer.1.DenseReluDense.wo.weight");
        if (k.equals("norm.weight")) return "encoder.final_layer_norm.weight";
        return k.startsWith("blocks.") ? "encoder.block." + k.substring("blocks.".length()) : k;
    }

    /** The golden weights renamed to ComfyUI keys, each tensor passed through {@code convert(key, tensor)}. */
    Path rewrite(String fileName, BiFunction<String, Tensor, Map<String, Tensor>> convert) throws Exception {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (SafeTensorsFile golden = SafeTensorsFile.open(UmT5GoldenTest.goldenDir().resolve("weights.safetensors"))) {
            for (String key : golden.names()) out.putAll(convert.apply(comfyName(key), golden.tensor(key).copy()));
        }
        Path file = tmp.resolve(fileName);
        SafeTensorsWriter.write(file, out);
        return file;
    }

    // One device for every encode: a fresh device times attention anew and may pick another
    // implementation, whose rounding differs, so "bitwise equal" would compare two kernels.
    private static final Device CPU = Devices.cpu();

    static Tensor encodeGoldenInputs(Path weights) {
        try (SafeTensorsFile w = SafeTensorsFile.open(weights);
             SafeTensorsFile in = SafeTensorsFile.open(UmT5GoldenTest.goldenDir().resolve("inputs.safetensors"))) {
            return new UmT5Encoder(UmT5WeightsLoader.load(w), CPU.kernels())
                    .encode(in.tensor("ids"), in.tensor("mask")).copy();
        }
    }

    @Test
    void comfy_key_names_load_and_give_the_golden_output() throws Exception {
        Path file = rewrite("comfy.safetensors", (k, t) -> Map.of(k, t));
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            assertEquals(UmT5WeightsLoader.COMFY, UmT5WeightsLoader.detectLayout(WeightSource.over(f)));
        }
        try (SafeTensorsFile expected = SafeTensorsFile.open(UmT5GoldenTest.goldenDir().resolve("activations.safetensors"))) {
            UmT5GoldenTest.assertClose("comfy layout output", expected.tensor("output"), encodeGoldenInputs(file));
        }
    }

    @Test
    void bf16_weights_stay_bf16_and_are_widened_in_the_kernels() throws Exception {
        Path bf16 = rewrite("bf16.safetensors", (k, t) -> Map.of(k, t.copyAs(DType.BF16)));
        // The same numbers, already rounded to bf16 but stored as f32: results must agree.
        Path rounded = rewrite("rounded.safetensors", (k, t) -> Map.of(k, t.copyAs(DType.BF16).copyAs(DType.F32)));
        try (SafeTensorsFile f = SafeTensorsFile.open(bf16)) {
            assertEquals(DType.BF16, UmT5WeightsLoader.load(f).blocks().get(0).q().weight().dtype());
        }
        UmT5GoldenTest.assertClose("bf16 vs bf16-rounded f32", encodeGoldenInputs(rounded), encodeGoldenInputs(bf16));
    }

    @Test
    void fp8_scaled_weights_use_their_scale_weight() throws Exception {
        // ComfyUI's *_fp8_scaled files: e4m3 weights with a per-tensor scale_weight beside each linear.
        BiFunction<String, Tensor, Map<String, Tensor>> fp8 = (k, t) -> {
            if (t.rank() != 2 || k.contains("relative_attention_bias") || k.equals("shared.weight")) return Map.of(k, t);
            float max = 0;
            for (float v : t.toFloatArray()) max = Math.max(max, Math.abs(v));
            float scale = max / 448f;
            Tensor q = Tensor.zeros(DType.F8_E4M3FN, t.shape());
            for (long i = 0; i < t.numel(); i++) q.setFloat(i, t.getFloat(i) / scale);
            Map<String, Tensor> m = new LinkedHashMap<>();
            m.put(k, q);
            m.put(k.replace(".weight", ".scale_weight"), Tensor.of(new float[] {scale}));
            return m;
        };
        Path scaled = rewrite("fp8.safetensors", fp8);
        // Reference: the dequantized numbers stored as f32.
        Map<String, Tensor> dequantized = new LinkedHashMap<>();
        try (SafeTensorsFile f = SafeTensorsFile.open(scaled)) {
            for (String k : f.names()) {
                if (k.endsWith(".scale_weight")) continue;
                Tensor t = f.tensor(k).toF32().copy();
                String scaleKey = k.replace(".weight", ".scale_weight");
                if (f.contains(scaleKey)) {
                    float s = f.tensor(scaleKey).getFloat(0);
                    for (long i = 0; i < t.numel(); i++) t.setFloat(i, t.getFloat(i) * s);
                }
                dequantized.put(k, t);
            }
            assertEquals(DType.F8_E4M3FN, UmT5WeightsLoader.load(f).blocks().get(1).fc2().weight().dtype());
        }
        Path reference = tmp.resolve("dequantized.safetensors");
        SafeTensorsWriter.write(reference, dequantized);
        UmT5GoldenTest.assertClose("fp8 scaled vs dequantized f32", encodeGoldenInputs(reference), encodeGoldenInputs(scaled));
    }

    @Test
    void a_missing_tensor_is_named_with_the_file() throws Exception {
        Path file = rewrite("missing.safetensors", (k, t) -> k.equals("encoder.block.1.layer.0.SelfAttention.k.weight") ? Map.of() : Map.of(k, t));
        WeightsException e = assertThrows(WeightsException.class, () -> load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("missing tensor 'encoder.block.1.layer.0.SelfAttention.k.weight'"), e.getMessage());
    }

    @Test
    void an_unexpected_tensor_is_named_with_the_file() throws Exception {
        Path file = rewrite("extra.safetensors", (k, t) -> k.equals("shared.weight")
                ? Map.of(k, t, "decoder.block.0.layer.0.SelfAttention.q.weight", Tensor.zeros(DType.F32, 2, 2)) : Map.of(k, t));
        WeightsException e = assertThrows(WeightsException.class, () -> load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("1 unexpected tensor(s), e.g. [decoder.block.0.layer.0.SelfAttention.q.weight]"), e.getMessage());
    }

    @Test
    void a_shape_mismatch_is_named_with_the_file_and_both_shapes() throws Exception {
        Path file = rewrite("shape.safetensors", (k, t) -> k.equals("encoder.block.1.layer.1.DenseReluDense.wo.weight")
                ? Map.of(k, Tensor.zeros(DType.F32, 64, 95)) : Map.of(k, t));
        WeightsException e = assertThrows(WeightsException.class, () -> load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("'encoder.block.1.layer.1.DenseReluDense.wo.weight' has shape [64, 95] but the detected model needs [64, 96]"), e.getMessage());
    }

    @Test
    void a_file_without_an_embedding_is_not_taken_for_a_text_encoder() throws Exception {
        Path file = tmp.resolve("other.safetensors");
        SafeTensorsWriter.write(file, Map.of("patch_embedding.weight", Tensor.zeros(DType.F32, 4)));
        WeightsException e = assertThrows(WeightsException.class, () -> load(file));
        assertTrue(e.getMessage().contains("not a UMT5 text encoder"), e.getMessage());
    }

    private static void load(Path file) {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            UmT5WeightsLoader.load(f);
        }
    }

    @Test
    void official_and_comfy_layouts_give_bitwise_equal_outputs() throws Exception {
        Path comfy = rewrite("comfy2.safetensors", (k, t) -> Map.of(k, t));
        Tensor a = encodeGoldenInputs(UmT5GoldenTest.goldenDir().resolve("weights.safetensors"));
        Tensor b = encodeGoldenInputs(comfy);
        assertArrayEquals(a.toFloatArray(), b.toFloatArray());
    }
}
