package org.jcomfy.nodes.models.wan.dit;

import static org.jcomfy.nodes.models.wan.dit.WanTinyGolden.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.nodes.models.ActivationRecorder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The image-conditioned variants against {@code nodes/src/test/resources/golden/wan-{i2v,flf2v}-tiny},
 * made by {@code nodes/src/test/python/wan_dit_reference.py}: a float64 NumPy reference that
 * itself matches the official t2v golden to 3.5e-7 and adds the official image path (img_emb
 * with exact GELU and LayerNorm eps 1e-5, a second cross-attention over the image rows).
 */
class WanDitImageToVideoTest {

    @ParameterizedTest
    @ValueSource(strings = {"i2v", "flf2v"})
    void the_image_path_and_the_output_match_the_reference(String kind) throws Exception {
        Path dir = Path.of(getClass().getResource("/golden/wan-" + kind + "-tiny/weights.safetensors").toURI()).getParent();
        try (WanDit.Loaded dit = WanDit.load(dir.resolve("weights.safetensors"), WanTinyGolden.kernels());
             SafeTensorsFile in = SafeTensorsFile.open(dir.resolve("inputs.safetensors"));
             SafeTensorsFile golden = SafeTensorsFile.open(dir.resolve("outputs.safetensors"))) {
            WanConfig c = dit.model().config();
            assertEquals(kind, c.modelType().comfyName());
            assertEquals(36, c.inDim());
            assertEquals(40, c.clipDim());

            Map<String, Tensor> recorded = new HashMap<>();
            ActivationRecorder rec = ActivationRecorder.into(recorded);
            Tensor out = dit.model().forward(in.tensor("x").batchOfOne(), new double[] {in.tensor("t").getDouble(0)},
                    in.tensor("context").batchOfOne(), in.tensor("clip").batchOfOne(), rec);

            assertClose("context_image", recorded.get("context_image"), golden.tensor("context_image"), WanTinyGolden.TOLERANCE);
            assertClose("block0_out", recorded.get("block0_out"), golden.tensor("block0_out"), WanTinyGolden.TOLERANCE);
            assertClose("output", out, golden.tensor("output").batchOfOne(), WanTinyGolden.TOLERANCE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"i2v"})
    void an_image_model_without_clip_features_is_refused_with_the_shape_it_needs(String kind) throws Exception {
        Path dir = Path.of(getClass().getResource("/golden/wan-" + kind + "-tiny/weights.safetensors").toURI()).getParent();
        try (WanDit.Loaded dit = WanDit.load(dir.resolve("weights.safetensors"), WanTinyGolden.kernels());
             SafeTensorsFile in = SafeTensorsFile.open(dir.resolve("inputs.safetensors"))) {
            var e = assertThrows(IllegalArgumentException.class, () -> dit.model().forward(in.tensor("x").batchOfOne(),
                    new double[] {1}, in.tensor("context").batchOfOne()));
            assertTrue(e.getMessage().contains("needs CLIP image features [1, 257, 40], got none"), e.getMessage());
        }
    }
}
