package org.jcomfy.nodes.models.wan.dit;

import static org.jcomfy.nodes.models.wan.dit.WanTinyGolden.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.io.SafeTensorsWriter;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorMetrics;
import org.jcomfy.nodes.models.wan.weights.WeightsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint variants of the wan-tiny weights, written as real files and loaded back. */
class WanWeightsLoadingTest {

    @TempDir
    Path dir;

    @Test
    void a_comfyui_file_with_the_diffusion_model_prefix_and_other_models_beside_it_loads() throws Exception {
        Path file = rewritePrefixed("bundled.safetensors", "model.diffusion_model.");
        assertClose("output", run(file), golden("output").batchOfOne(), WanTinyGolden.TOLERANCE);
    }

    @Test
    void bf16_weights_stay_bf16_and_give_the_float32_result_to_bf16_precision() throws Exception {
        Path file = rewriteAll("bf16.safetensors", t -> t.copyAs(DType.BF16));
        try (WanDit.Loaded dit = WanDit.load(file, WanTinyGolden.kernels())) {
            assertEquals(DType.BF16, dit.model().weights().blocks().get(0).ffn1().weight().dtype());
        }
        double err = TensorMetrics.relativeL2(run(file), golden("output").batchOfOne());
        assertTrue(err < 1e-2, "bf16 relative error " + err);
        assertTrue(err > 1e-5, "bf16 weights cannot give float32 accuracy; were they widened on load? " + err);
    }

    @Test
    void scaled_fp8_weights_use_their_per_tensor_scale() throws Exception {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (SafeTensorsFile f = SafeTensorsFile.open(WanTinyGolden.WEIGHTS)) {
            for (String name : f.names()) {
                Tensor t = f.tensor(name);
                boolean linear = name.endsWith(".weight") && t.rank() == 2;
                if (!linear) {
                    out.put(name, t);
                    continue;
                }
                // ComfyUI's *_scaled files: fp8 weight = W / s, with s = max|W| / 448 as <layer>.scale_weight.
                float max = 0;
                for (float v : t.toFloatArray()) max = Math.max(max, Math.abs(v));
                float s = max / 448f;
                Tensor scaled = Tensor.of(t.toFloatArray(), t.shape());
                for (long i = 0; i < scaled.numel(); i++) scaled.setFloat(i, scaled.getFloat(i) / s);
                String layer = name.substring(0, name.length() - ".weight".length());
                out.put(name, scaled.copyAs(DType.F8_E4M3FN));
                out.put(layer + ".scale_weight", Tensor.of(new float[] {s}));
                out.put(layer + ".scale_input", Tensor.of(new float[] {1f}));
            }
            out.put("scaled_fp8", Tensor.zeros(DType.F8_E4M3FN, 0));
            Path file = dir.resolve("fp8_scaled.safetensors");
            SafeTensorsWriter.write(file, out, f.metadata());
            double err = TensorMetrics.relativeL2(run(file), golden("output").batchOfOne());
            assertTrue(err < 0.1, "fp8 relative error " + err);
        }
    }

    @Test
    void a_missing_tensor_is_named_with_the_file() throws Exception {
        Path file = rewritePrefixed("missing.safetensors", "", "blocks.1.ffn.2.bias");
        WeightsException e = assertThrows(WeightsException.class, () -> WanDit.load(file, WanTinyGolden.kernels()));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("missing tensor 'blocks.1.ffn.2.bias'"), e.getMessage());
    }

    @Test
    void a_tensor_of_the_wrong_shape_is_named_with_both_shapes() throws Exception {
        Map<String, Tensor> extra = Map.of("blocks.0.norm3.weight", Tensor.zeros(DType.F32, 127));
        Path file = rewrite("mis-shaped.safetensors", extra);
        WeightsException e = assertThrows(WeightsException.class, () -> WanDit.load(file, WanTinyGolden.kernels()));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("'blocks.0.norm3.weight' has shape [127] but the detected model needs [128]"),
                e.getMessage());
    }

    @Test
    void an_unexpected_tensor_is_named() throws Exception {
        Path file = rewrite("unexpected.safetensors", Map.of("blocks.0.adapter.weight", Tensor.zeros(DType.F32, 4)));
        WeightsException e = assertThrows(WeightsException.class, () -> WanDit.load(file, WanTinyGolden.kernels()));
        assertTrue(e.getMessage().contains("unexpected tensor(s), e.g. [blocks.0.adapter.weight]"), e.getMessage());
    }

    // ---- helpers -------------------------------------------------------------------------

    private Tensor run(Path weights) {
        try (WanDit.Loaded dit = WanDit.load(weights, WanTinyGolden.kernels());
             SafeTensorsFile in = SafeTensorsFile.open(WanTinyGolden.INPUTS)) {
            return dit.model().forward(in.tensor("x").batchOfOne(), new double[] {in.tensor("t").getDouble(0)},
                    in.tensor("context").batchOfOne()).copy();
        }
    }

    private static Tensor golden(String name) {
        try (SafeTensorsFile f = SafeTensorsFile.open(WanTinyGolden.ACTIVATIONS)) {
            return f.tensor(name).copy();
        }
    }

    /** The golden weights with every tensor converted, under the same names and metadata. */
    private Path rewriteAll(String fileName, java.util.function.UnaryOperator<Tensor> convert) throws Exception {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (SafeTensorsFile f = SafeTensorsFile.open(WanTinyGolden.WEIGHTS)) {
            for (String name : f.names()) out.put(name, convert.apply(f.tensor(name)));
            Path file = dir.resolve(fileName);
            SafeTensorsWriter.write(file, out, f.metadata());
            return file;
        }
    }

    /** The golden weights under {@code prefix}, without {@code dropped}, plus a VAE tensor outside the prefix. */
    private Path rewritePrefixed(String fileName, String prefix, String... dropped) throws Exception {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (SafeTensorsFile f = SafeTensorsFile.open(WanTinyGolden.WEIGHTS)) {
            for (String name : f.names()) {
                if (!java.util.List.of(dropped).contains(name)) out.put(prefix + name, f.tensor(name).copy());
            }
            if (!prefix.isEmpty()) out.put("first_stage_model.decoder.conv1.weight", Tensor.zeros(DType.F32, 2, 2));
            Path file = dir.resolve(fileName);
            SafeTensorsWriter.write(file, out, f.metadata());
            return file;
        }
    }

    /** The golden weights with some tensors replaced or added. */
    private Path rewrite(String fileName, Map<String, Tensor> replaced) throws Exception {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (SafeTensorsFile f = SafeTensorsFile.open(WanTinyGolden.WEIGHTS)) {
            for (String name : f.names()) out.put(name, f.tensor(name).copy());
            out.putAll(replaced);
            Path file = dir.resolve(fileName);
            SafeTensorsWriter.write(file, out, f.metadata());
            return file;
        }
    }
}
