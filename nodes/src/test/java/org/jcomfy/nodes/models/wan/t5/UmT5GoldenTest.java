package org.jcomfy.nodes.models.wan.t5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.io.SafeTensorsFile;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorMetrics;
import org.jcomfy.nodes.models.ActivationRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The UMT5 encoder against testdata/golden/umt5-tiny, made by the official Wan2.1
 * {@code T5Encoder} in float32 (2 layers, dim 64, 4 heads, 160 positions of which 141 real).
 */
class UmT5GoldenTest {
    static final double TOLERANCE = 1e-5;
    static final int REAL_TOKENS = 141;

    static Path goldenDir() {
        return Path.of(System.getProperty("jcomfy.testdata", "../testdata"), "golden", "umt5-tiny");
    }

    static SafeTensorsFile weightsFile, inputs, activations;
    static UmT5Encoder encoder;

    @BeforeAll
    static void open() {
        weightsFile = SafeTensorsFile.open(goldenDir().resolve("weights.safetensors"));
        inputs = SafeTensorsFile.open(goldenDir().resolve("inputs.safetensors"));
        activations = SafeTensorsFile.open(goldenDir().resolve("activations.safetensors"));
        encoder = new UmT5Encoder(UmT5WeightsLoader.load(weightsFile), Devices.cpu().kernels());
    }

    @AfterAll
    static void close() {
        weightsFile.close();
        inputs.close();
        activations.close();
    }

    @Test
    void config_is_read_off_the_weight_shapes() {
        assertEquals(new UmT5Config(384, 64, 64, 96, 4, 2, 32, 128, 1e-6f), encoder.config());
    }

    @Test
    void relative_position_buckets_match_the_golden_table_exactly() {
        Tensor expected = activations.tensor("rel_bucket");
        Tensor actual = RelativePositionBuckets.table(160, 32, 128);
        assertArrayEquals(expected.shape(), actual.shape());
        assertArrayEquals(expected.toLongArray(), actual.toLongArray());
    }

    @Test
    void bucket_edges_follow_the_float32_thresholds_of_the_spec() {
        int[] firstDistanceOfBucket = {8, 12, 16, 23, 32, 46, 64, 91}; // buckets 8..15 (WAN-MODEL.md §2.3)
        for (int a = 0; a < 600; a++) {
            int expected = a < 8 ? a : 7;
            for (int edge : firstDistanceOfBucket) if (a >= edge) expected++;
            assertEquals(expected, RelativePositionBuckets.bucket(-a, 32, 128), "distance " + a + " before the query");
            assertEquals(a == 0 ? 0 : 16 + expected, RelativePositionBuckets.bucket(a, 32, 128), "distance " + a + " after the query");
        }
    }

    @Test
    void every_intermediate_of_the_unpadded_run_matches_the_golden() {
        Map<String, Tensor> recorded = new LinkedHashMap<>();
        long[] ids = Arrays.copyOf(inputs.tensor("ids").toLongArray(), REAL_TOKENS);
        long[] ones = new long[REAL_TOKENS];
        Arrays.fill(ones, 1);
        Tensor out = encoder.encode(Tensor.ofLongs(ids, 1, REAL_TOKENS), Tensor.ofLongs(ones, 1, REAL_TOKENS),
                ActivationRecorder.into(recorded));

        String[] names = {"token_embedding_out", "block0_pos_bias", "block0_norm1_out", "block0_attn_out",
                "block0_norm2_out", "block0_ffn_out", "block0_out", "block1_pos_bias", "block1_out"};
        for (String name : names) {
            assertTrue(recorded.containsKey(name), "the encoder did not record " + name);
            assertClose(name, activations.tensor(name), recorded.get(name));
        }
        assertClose("output_unpadded_run", activations.tensor("output_unpadded_run"), out.reshape(REAL_TOKENS, 64));
    }

    @Test
    void padded_run_matches_output_and_its_real_rows_match_output_trimmed() {
        Tensor out = encoder.encode(inputs.tensor("ids"), inputs.tensor("mask"));
        assertClose("output", activations.tensor("output"), out);
        Tensor trimmed = out.reshape(160, 64).narrow(0, REAL_TOKENS);
        assertClose("output_trimmed", activations.tensor("output_trimmed"), trimmed);
    }

    /** Relative L2 error within {@link #TOLERANCE}, shapes equal. */
    static void assertClose(String name, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape(), actual.shape(), name + ": shape");
        double rel = TensorMetrics.relativeL2(actual, expected);
        System.out.printf("%-45s relative L2 %.3e%n", name, rel);
        assertTrue(rel <= TOLERANCE, name + ": relative L2 error " + rel + " > " + TOLERANCE);
    }
}
