package org.jcomfy.nodes.models.wan.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoVaeWeightsTest {
    final Kernels k = Devices.cpu().kernels();

    @Test
    void a_demo_file_loads_as_a_wan_vae_and_decodes_a_latent(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("demo_vae.safetensors");
        DemoVaeWeights.write(file, 16, 42);
        try (WanVae vae = WanVae.load(file, k)) {
            assertEquals(WanVaeConfig.wan21(16, 16), vae.config());
            Tensor video = vae.decode(WanVaeTiledDecodeTest.random(new long[] {16, 2, 2, 2}, 7));
            assertArrayEquals(new long[] {3, 5, 16, 16}, video.shape());
            for (float v : video.toFloatArray()) assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void the_same_seed_writes_the_same_bytes_and_another_seed_does_not(@TempDir Path dir) throws Exception {
        DemoVaeWeights.write(dir.resolve("a"), 4, 1);
        DemoVaeWeights.write(dir.resolve("b"), 4, 1);
        DemoVaeWeights.write(dir.resolve("c"), 4, 2);
        assertEquals(-1L, Files.mismatch(dir.resolve("a"), dir.resolve("b")));
        assertTrue(Files.mismatch(dir.resolve("a"), dir.resolve("c")) >= 0);
    }

    @Test
    void bf16_weights_load_and_decode_close_to_the_float32_ones(@TempDir Path dir) throws Exception {
        DemoVaeWeights.write(dir.resolve("f32"), 4, 3);
        DemoVaeWeights.write(dir.resolve("bf16"), 4, 3, DType.BF16);
        Tensor latent = WanVaeTiledDecodeTest.random(new long[] {16, 2, 2, 2}, 8);
        try (WanVae f32 = WanVae.load(dir.resolve("f32"), k); WanVae bf16 = WanVae.load(dir.resolve("bf16"), k)) {
            assertEquals(DType.BF16, bf16.weights().decoder().conv1().weight().dtype());
            double err = TensorMetrics.relativeL2(bf16.decode(latent), f32.decode(latent));
            assertTrue(err > 0 && err < 0.05, "bf16 vs f32 decode relative L2 " + err);
        }
    }
}
