package org.jcomfy.nodes.models.wan.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.io.SafeTensorsWriter;
import org.jcomfy.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WanVaeWeightsTest {
    @TempDir Path dir;

    @Test
    void the_golden_checkpoint_has_exactly_the_194_tensors_of_the_architecture() {
        Path golden = Path.of(System.getProperty("jcomfy.testdata"), "golden", "wanvae-tiny", "weights.safetensors");
        try (SafeTensorsFile file = SafeTensorsFile.open(golden)) {
            WanVaeWeights w = WanVaeWeights.load(file);
            assertEquals(194, file.names().size());
            assertEquals(11, w.encoder().downsamples().size());
            assertEquals(15, w.decoder().upsamples().size());
            assertEquals(WanVaeWeights.ResampleMode.UPSAMPLE_3D,
                    ((WanVaeWeights.Resample) w.decoder().upsamples().get(3)).mode());
        }
    }

    @Test
    void the_real_architecture_has_the_widths_of_the_spec() {
        WanVaeConfig real = WanVaeConfig.wan21();
        assertEquals("[96, 96, 192, 384, 384]", java.util.Arrays.toString(real.encoderDims()));
        assertEquals("[384, 384, 384, 192, 96]", java.util.Arrays.toString(real.decoderDims()));
        assertEquals(81, WanVaeConfig.decodedFrames(21));
        assertEquals(21, WanVaeConfig.encodedFrames(81));
    }

    @Test
    void a_missing_tensor_is_named_with_the_file() throws Exception {
        Path file = demoWith(t -> t.remove("decoder.upsamples.7.time_conv.weight"));
        String msg = loadError(file);
        assertTrue(msg.contains(file.toString()) && msg.contains("missing tensor 'decoder.upsamples.7.time_conv.weight'"), msg);
    }

    @Test
    void a_tensor_of_the_wrong_shape_is_named_with_both_shapes() throws Exception {
        Path file = demoWith(t -> t.put("encoder.head.2.bias", Tensor.of(new float[31], 31)));
        String msg = loadError(file);
        assertTrue(msg.contains("'encoder.head.2.bias'") && msg.contains("[31]") && msg.contains("[32]"), msg);
    }

    @Test
    void an_unexpected_tensor_is_refused() throws Exception {
        Path file = demoWith(t -> t.put("decoder.upsamples.99.extra", Tensor.of(new float[1], 1)));
        String msg = loadError(file);
        assertTrue(msg.contains("unexpected") && msg.contains("decoder.upsamples.99.extra"), msg);
    }

    @Test
    void a_file_that_is_not_a_wan_vae_says_so() throws Exception {
        Path file = dir.resolve("other.safetensors");
        SafeTensorsWriter.write(file, Map.of("model.diffusion_model.x", Tensor.of(new float[1], 1)));
        assertTrue(loadError(file).contains("not a Wan VAE checkpoint"));
    }

    /** A dim-4 demo checkpoint, edited. */
    private Path demoWith(Consumer<Map<String, Tensor>> edit) throws Exception {
        Path clean = dir.resolve("clean.safetensors");
        DemoVaeWeights.write(clean, 4, 0);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (SafeTensorsFile f = SafeTensorsFile.open(clean)) {
            for (String name : f.names()) tensors.put(name, f.tensor(name).copy());
        }
        edit.accept(tensors);
        Path edited = dir.resolve("edited.safetensors");
        SafeTensorsWriter.write(edited, tensors);
        return edited;
    }

    private static String loadError(Path file) {
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            return assertThrows(IllegalArgumentException.class, () -> WanVaeWeights.load(f)).getMessage();
        }
    }
}
