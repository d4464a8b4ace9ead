package org.jcomfy.nodes.models.wan.vae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorMetrics;
import org.jcomfy.nodes.models.ActivationRecorder;
import org.jcomfy.nodes.models.ProgressListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tiny Wan VAE (dim 8, 9 frames of 32×32) against the official implementation's tensors in
 * {@code testdata/golden/wanvae-tiny}: every recorded intermediate, the decoded video and the
 * encoded mu, at relative L2 ≤ 1e-5. Decode and encode run once for the whole class.
 */
class WanVaeGoldenTest {
    static final double TOLERANCE = 1e-5;

    static SafeTensorsFile inputs;
    static SafeTensorsFile activations;
    static WanVae vae;
    static Kernels k;
    static TraceCollector decodeChunks;
    static TraceCollector encodeChunks;
    static Map<String, Tensor> decodeTrace;
    static Map<String, Tensor> encodeTrace;
    static Tensor decoded;
    static Tensor encodedMu;

    static Path golden() {
        return Path.of(System.getProperty("jcomfy.testdata"), "golden", "wanvae-tiny");
    }

    @BeforeAll
    static void runDecodeAndEncodeOnce() {
        k = org.jcomfy.backend.device.Devices.cpu().kernels();
        vae = WanVae.load(golden().resolve("weights.safetensors"), k);
        inputs = SafeTensorsFile.open(golden().resolve("inputs.safetensors"));
        activations = SafeTensorsFile.open(golden().resolve("activations.safetensors"));
        WanLatentScaling scaling = new WanLatentScaling(inputs.tensor("latents_mean"), inputs.tensor("latents_std"));

        decodeChunks = new TraceCollector(k);
        decoded = vae.decode(scaling.denormalise(inputs.tensor("z"), k), decodeChunks, decodeChunks);
        decodeTrace = decodeChunks.concatenated();

        encodeChunks = new TraceCollector(k);
        encodedMu = scaling.normalise(vae.encode(inputs.tensor("video"), encodeChunks, encodeChunks), k);
        encodeTrace = encodeChunks.concatenated();
    }

    @AfterAll
    static void close() {
        vae.close();
        inputs.close();
        activations.close();
    }

    @Test
    void the_config_is_detected_from_the_weight_shapes() {
        assertEquals(WanVaeConfig.wan21(8, 16), vae.config());
    }

    @Test
    void decoded_raw_matches_the_official_decoder() {
        assertArrayEquals(new long[] {3, 9, 32, 32}, decoded.shape());
        assertClose("decoded_raw", activations.tensor("decoded_raw"), decoded);
    }

    @Test
    void decoded_clamped_to_minus_one_one_matches_the_official_output() {
        float[] v = decoded.toFloatArray();
        for (int i = 0; i < v.length; i++) v[i] = Math.max(-1f, Math.min(1f, v[i]));
        assertClose("decoded", activations.tensor("decoded"), Tensor.of(v, decoded.shape()));
    }

    @Test
    void every_decoder_intermediate_matches() {
        for (String name : List.of("dec_conv2_out", "dec_conv1_out", "dec_upsamples3_upsample3d_out",
                "dec_upsamples7_upsample3d_out", "dec_upsamples11_upsample2d_out")) {
            assertClose(name, activations.tensor(name), decodeTrace.get(name));
        }
        assertClose("dec_head_out", activations.tensor("decoded_raw"), decodeTrace.get("dec_head_out"));
    }

    @Test
    void encoded_mu_matches_the_official_encoder() {
        assertArrayEquals(new long[] {16, 3, 4, 4}, encodedMu.shape());
        assertClose("encoded_mu", activations.tensor("encoded_mu"), encodedMu);
    }

    @Test
    void every_encoder_intermediate_matches() {
        for (String name : List.of("enc_conv1_out", "enc_downsamples2_downsample2d_out",
                "enc_downsamples5_downsample3d_out", "enc_downsamples8_downsample3d_out", "enc_conv1x1_out")) {
            assertClose(name, activations.tensor(name), encodeTrace.get(name));
        }
    }

    @Test
    void decode_streams_one_latent_frame_per_chunk_with_full_resolution_layers_on_two_frames() {
        assertEquals(List.of(1L, 1L, 1L), decodeChunks.framesPerChunk("dec_conv1_out"));
        assertEquals(List.of(1L, 4L, 4L), decodeChunks.framesPerChunk("dec_upsamples7_upsample3d_out"));
        assertEquals(List.of(1L, 2L, 2L, 2L, 2L), decodeChunks.framesPerChunk("dec_head_out"));
        assertEquals(List.of("1/3", "2/3", "3/3"), decodeChunks.progress);
    }

    @Test
    void encode_streams_chunks_of_1_then_4_frames_with_full_resolution_layers_on_two_frames() {
        assertEquals(List.of(1L, 2L, 2L, 2L, 2L), encodeChunks.framesPerChunk("enc_conv1_out"));
        assertEquals(List.of(1L, 2L, 2L), encodeChunks.framesPerChunk("enc_downsamples5_downsample3d_out"));
        assertEquals(List.of(1L, 1L, 1L), encodeChunks.framesPerChunk("enc_conv1x1_out"));
        assertEquals(List.of("1/3", "2/3", "3/3"), encodeChunks.progress);
    }

    // ---- helpers ---------------------------------------------------------------------

    static void assertClose(String name, Tensor expected, Tensor actual) {
        assertTrue(actual != null, name + " was not recorded");
        assertEquals(expected.numel(), actual.numel(), name + ": element count");
        double err = TensorMetrics.relativeL2(actual, expected);
        System.out.printf("wanvae-tiny %-36s relative L2 %.3e%n", name, err);
        assertTrue(err <= TOLERANCE, name + ": relative L2 " + err + " > " + TOLERANCE);
    }

    /** Collects per-chunk recorded values and progress calls; joins the values along time, as the golden hooks did. */
    static final class TraceCollector implements ActivationRecorder, ProgressListener {
        private final Kernels k;
        private final Map<String, List<Tensor>> chunks = new LinkedHashMap<>();
        final List<String> progress = new ArrayList<>();

        TraceCollector(Kernels k) { this.k = k; }

        @Override
        public boolean wants(String name) { return true; }

        @Override
        public void accept(String name, Tensor value) {
            chunks.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }

        @Override
        public void progress(long done, long total) {
            progress.add(done + "/" + total);
        }

        List<Long> framesPerChunk(String name) {
            return chunks.get(name).stream().map(t -> t.dim(2)).toList();
        }

        Map<String, Tensor> concatenated() {
            Map<String, Tensor> out = new LinkedHashMap<>();
            chunks.forEach((name, parts) -> out.put(name, k.concat(parts, 2)));
            return out;
        }
    }
}
