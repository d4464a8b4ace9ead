package org.jcomfy.nodes.models.wan.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorMetrics;
import org.jcomfy.nodes.models.wan.vae.WanVaeTiledDecode.Tiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WanVaeTiledDecodeTest {
    static Kernels k;
    static WanVae vae;

    @BeforeAll
    static void load() {
        k = Devices.cpu().kernels();
        vae = WanVae.load(Path.of(System.getProperty("jcomfy.testdata"), "golden", "wanvae-tiny", "weights.safetensors"), k);
    }

    @AfterAll
    static void close() {
        vae.close();
    }

    @Test
    void node_widget_values_convert_to_latent_tiles_as_comfyui_does() {
        assertEquals(new Tiles(16, 64, 64, 2, 8, 8), Tiles.fromNodeInputs(512, 64, 64, 8));
        // overlap capped at a quarter of the tile; temporal overlap halved when over half the size
        assertEquals(new Tiles(2, 16, 16, 1, 4, 4), Tiles.fromNodeInputs(128, 64, 8, 8));
        assertEquals(new Tiles(4, 32, 32, 1, 0, 0), Tiles.fromNodeInputs(256, 0, 16, 4));
    }

    @Test
    void tile_starts_follow_comfyui_ranges_and_clamping() {
        assertEquals(List.of(0L), WanVaeTiledDecode.tileStarts(6, 8, 2));
        assertEquals(List.of(0L, 2L), WanVaeTiledDecode.tileStarts(6, 4, 2));
        assertEquals(List.of(0L, 3L, 6L), WanVaeTiledDecode.tileStarts(10, 4, 1));
        assertEquals(List.of(0L, 1L), WanVaeTiledDecode.tileStarts(3, 2, 1));
    }

    @Test
    void blending_reproduces_a_decoder_whose_output_depends_only_on_position() {
        // A stand-in decoder whose every video sample is a function of its global position, so
        // any correct tiling and blending must give back exactly the untiled answer.
        Tensor latent = random(new long[] {16, 5, 9, 7}, 1);
        Tensor whole = nearestDecode(latent);
        Tensor tiled = WanVaeTiledDecode.decode(latent, new Tiles(2, 4, 3, 1, 1, 1), WanVaeTiledDecodeTest::nearestDecode, k);
        assertArrayEquals(new long[] {3, 17, 72, 56}, tiled.shape());
        assertTrue(TensorMetrics.relativeL2(tiled, whole) < 1e-6, "blend of exact tiles must be exact");
    }

    @Test
    void a_latent_that_fits_one_tile_decodes_exactly_as_untiled() {
        Tensor latent = random(new long[] {16, 1, 4, 4}, 2);
        Tensor tiled = WanVaeTiledDecode.decode(vae, latent, new Tiles(4, 4, 4, 1, 1, 1));
        assertEquals(0.0, TensorMetrics.relativeL2(tiled, vae.decode(latent)));
    }

    @Test
    void spatially_tiled_decode_is_close_to_untiled_and_has_the_same_shape() {
        Tensor latent = random(new long[] {16, 1, 10, 10}, 3);
        Tensor whole = vae.decode(latent);
        Tensor tiled = WanVaeTiledDecode.decode(vae, latent, new Tiles(2, 8, 8, 1, 4, 4));
        assertArrayEquals(new long[] {3, 1, 80, 80}, tiled.shape());
        double err = TensorMetrics.relativeL2(tiled, whole);
        double unrelated = TensorMetrics.relativeL2(vae.decode(random(new long[] {16, 1, 10, 10}, 4)), whole);
        System.out.printf("tiled vs untiled decode (2x2 tiles of 8x8 latent cells, overlap 4): relative L2 %.3f;"
                + " an unrelated latent's decode: %.3f%n", err, unrelated);
        // Loose on purpose: the tiny random-weight VAE's receptive field (and its per-frame global
        // attention) spans more than a tile, so every pixel feels the tile borders' zero padding.
        // Tiled must still be far closer to the untiled video than an unrelated video is.
        assertTrue(err < 0.4, "tiled decode too far from untiled: " + err);
        assertTrue(err < 0.5 * unrelated, "tiled decode " + err + " not much closer than an unrelated video " + unrelated);
    }

    @Test
    void temporally_tiled_decode_gives_one_plus_four_frames_per_latent_frame() {
        Tensor latent = random(new long[] {16, 3, 2, 2}, 4);
        Tensor tiled = WanVaeTiledDecode.decode(vae, latent, new Tiles(2, 2, 2, 1, 0, 0));
        assertArrayEquals(new long[] {3, 9, 16, 16}, tiled.shape());
        for (float v : tiled.toFloatArray()) assertTrue(Float.isFinite(v));
    }

    // ---- helpers ---------------------------------------------------------------------

    static Tensor random(long[] shape, long seed) {
        Random r = new Random(seed);
        float[] v = new float[Math.toIntExact(Tensor.count(shape))];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Tensor.of(v, shape);
    }

    /** {@code [C, t, h, w] → [3, 4t-3, 8h, 8w]}: frame j shows latent frame ⌈j/4⌉, each cell as an 8×8 block. */
    static Tensor nearestDecode(Tensor latent) {
        long t = latent.dim(1), h = latent.dim(2), w = latent.dim(3);
        long frames = 4 * t - 3;
        Tensor out = Tensor.zeros(DType.F32, 3, frames, 8 * h, 8 * w);
        for (int c = 0; c < 3; c++)
            for (long j = 0; j < frames; j++)
                for (long y = 0; y < 8 * h; y++)
                    for (long x = 0; x < 8 * w; x++) {
                        long src = ((c * t + (j + 3) / 4) * h + y / 8) * w + x / 8;
                        out.setFloat(((c * frames + j) * 8 * h + y) * 8 * w + x, latent.getFloat(src));
                    }
        return out;
    }
}
