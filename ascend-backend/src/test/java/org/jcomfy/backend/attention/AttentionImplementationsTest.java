package org.jcomfy.backend.attention;

import static org.jcomfy.backend.attention.AttentionTestData.random;
import static org.jcomfy.backend.tensor.TensorMetrics.relativeL2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.jcomfy.backend.kernels.ReferenceKernels;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.threads.CpuThreads;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every implementation against {@link ReferenceKernels#attention} on small, awkward shapes. */
class AttentionImplementationsTest {
    private static final double TOLERANCE = 1e-5;
    private static final CpuThreads THREADS = new CpuThreads(2);
    private static final ReferenceKernels REFERENCE = new ReferenceKernels();

    /** Small blocks so short test sequences still cross several query and key blocks. */
    static Stream<AttentionImplementation> implementations() {
        return Stream.of(
                new NaiveAttention(NaiveAttention.DEFAULT_MAX_SCORE_BYTES, THREADS),
                new FlashAttention(8, 1, THREADS),
                new FlashAttention(THREADS),
                new NaiveAttention(THREADS));
    }

    private static void assertMatchesReference(AttentionImplementation impl, Tensor q, Tensor k, Tensor v, Tensor bias,
                                               float scale) {
        Tensor expected = REFERENCE.attention(q, k, v, bias, scale);
        Tensor actual = impl.compute(q, k, v, bias, scale);
        assertArrayEquals(expected.shape(), actual.shape(), impl.name() + " output shape");
        double err = relativeL2(actual, expected);
        assertTrue(err <= TOLERANCE, impl.name() + " relative L2 " + err);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void odd_sizes_match_the_reference(AttentionImplementation impl) {
        Tensor q = random(1, 1, 1, 7, 3, 5), k = random(2, 1, 1, 5, 3, 5), v = random(3, 1, 1, 5, 3, 5);
        assertMatchesReference(impl, q, k, v, null, 1 / (float) Math.sqrt(5));
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void longer_keys_than_queries_and_a_wider_value_match_the_reference(AttentionImplementation impl) {
        Tensor q = random(4, 1, 1, 37, 2, 24), k = random(5, 1, 1, 150, 2, 24), v = random(6, 1, 1, 150, 2, 40);
        assertMatchesReference(impl, q, k, v, null, 1 / (float) Math.sqrt(24));
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void more_queries_than_keys_and_a_narrower_value_match_the_reference(AttentionImplementation impl) {
        Tensor q = random(7, 1, 1, 70, 1, 16), k = random(8, 1, 1, 9, 1, 16), v = random(9, 1, 1, 9, 1, 3);
        assertMatchesReference(impl, q, k, v, null, 0.25f);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void a_batch_of_two_with_large_scores_matches_the_reference(AttentionImplementation impl) {
        // amplitude 3 with scale 1 gives scores in the tens: the softmax must subtract the row max
        Tensor q = random(10, 3, 2, 21, 3, 8), k = random(11, 3, 2, 130, 3, 8), v = random(12, 1, 2, 130, 3, 8);
        assertMatchesReference(impl, q, k, v, null, 1f);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void a_bias_broadcasting_from_every_allowed_shape_matches_the_reference(AttentionImplementation impl) {
        Tensor q = random(13, 1, 2, 19, 3, 8), k = random(14, 1, 2, 75, 3, 8), v = random(15, 1, 2, 75, 3, 6);
        for (long[] biasShape : List.of(new long[] {2, 3, 19, 75}, new long[] {1, 3, 19, 75},
                new long[] {2, 1, 19, 75}, new long[] {1, 1, 19, 75})) {
            assertMatchesReference(impl, q, k, v, random(16, 2, biasShape), 1f);
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void a_padding_mask_with_one_row_for_all_queries_masks_the_same_keys_everywhere(AttentionImplementation impl) {
        Tensor q = random(17, 1, 2, 11, 2, 8), k = random(18, 1, 2, 70, 2, 8), v = random(19, 1, 2, 70, 2, 8);
        Tensor mask = Tensor.zeros(DType.F32, 2, 1, 1, 70);
        Tensor expanded = Tensor.zeros(DType.F32, 2, 1, 11, 70);
        for (int b = 0; b < 2; b++) {
            for (int j = 60 - 20 * b; j < 70; j++) {
                mask.setFloat(b * 70L + j, Float.NEGATIVE_INFINITY);
                for (int i = 0; i < 11; i++) expanded.setFloat((b * 11L + i) * 70 + j, Float.NEGATIVE_INFINITY);
            }
        }
        Tensor viaRow = impl.compute(q, k, v, mask, 0.3f);
        assertTrue(relativeL2(viaRow, REFERENCE.attention(q, k, v, expanded, 0.3f)) <= TOLERANCE);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void masked_keys_and_fully_masked_rows_match_the_reference(AttentionImplementation impl) {
        int b = 2, h = 2, sq = 13, sk = 140;
        Tensor q = random(20, 1, b, sq, h, 8), k = random(21, 1, b, sk, h, 8), v = random(22, 1, b, sk, h, 8);
        Tensor bias = random(23, 1, b, h, sq, sk);
        SplittableRandom rnd = new SplittableRandom(24);
        for (long i = 0; i < bias.numel(); i++) if (rnd.nextInt(3) == 0) bias.setFloat(i, Float.NEGATIVE_INFINITY);
        for (int bb = 0; bb < b; bb++) {
            for (int j = 0; j < sk; j++) {
                bias.setFloat(((bb * h + 1L) * sq + 5) * sk + j, Float.NEGATIVE_INFINITY); // row 5 of head 1: all masked
                if (j < 100) bias.setFloat(((bb * h) * sq + 7L) * sk + j, Float.NEGATIVE_INFINITY); // only the last key block open
            }
        }
        assertMatchesReference(impl, q, k, v, bias, 0.35f);
        Tensor out = impl.compute(q, k, v, bias, 0.35f);
        for (int bb = 0; bb < b; bb++) {
            for (int e = 0; e < 8; e++) assertEquals(0f, out.getFloat(((bb * sq + 5L) * h + 1) * 8 + e), "fully masked row");
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void a_single_key_gives_its_value_to_every_query(AttentionImplementation impl) {
        Tensor q = random(25, 1, 1, 6, 2, 4), k = random(26, 1, 1, 1, 2, 4), v = random(27, 1, 1, 1, 2, 4);
        Tensor out = impl.compute(q, k, v, null, 0.5f);
        for (int i = 0; i < 6; i++) {
            for (int x = 0; x < 8; x++) assertEquals(v.getFloat(x), out.getFloat(i * 8L + x), 1e-6f);
        }
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void mismatched_shapes_are_refused_with_the_shapes_in_the_message(AttentionImplementation impl) {
        Tensor q = random(28, 1, 1, 4, 2, 8), k = random(29, 1, 1, 5, 2, 6), v = random(30, 1, 1, 5, 2, 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> impl.compute(q, k, v, null, 1f));
        assertTrue(e.getMessage().contains("[1, 5, 2, 6]"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void bf16_inputs_and_an_f16_bias_are_widened_like_the_reference(AttentionImplementation impl) {
        Tensor q = random(37, 1, 1, 9, 2, 16).copyAs(DType.BF16), k = random(38, 1, 1, 33, 2, 16).copyAs(DType.BF16);
        Tensor v = random(39, 1, 1, 33, 2, 16).copyAs(DType.BF16), bias = random(40, 1, 1, 2, 9, 33).copyAs(DType.F16);
        assertMatchesReference(impl, q, k, v, bias, 0.25f);
    }

    @ParameterizedTest
    @MethodSource("implementations")
    void empty_query_or_key_sequences_give_empty_or_zero_outputs(AttentionImplementation impl) {
        Tensor q = random(31, 1, 2, 0, 3, 8), k = random(32, 1, 2, 5, 3, 8), v = random(33, 1, 2, 5, 3, 4);
        assertArrayEquals(new long[] {2, 0, 3, 4}, impl.compute(q, k, v, null, 1f).shape());
        Tensor q2 = random(34, 1, 2, 6, 3, 8), noKeys = random(35, 1, 2, 0, 3, 8), noValues = random(36, 1, 2, 0, 3, 4);
        Tensor out = impl.compute(q2, noKeys, noValues, null, 1f);
        assertArrayEquals(new long[] {2, 6, 3, 4}, out.shape());
        for (float x : out.toFloatArray()) assertEquals(0f, x);
        assertMatchesReference(impl, q2, noKeys, noValues, null, 1f);
    }

    @org.junit.jupiter.api.Test
    void naive_attention_refuses_a_score_matrix_above_its_limit() {
        NaiveAttention naive = new NaiveAttention(1 << 20, THREADS);
        assertTrue(naive.supports(new AttentionShape(1, 256, 256, 1, 8, 8, false)));
        assertFalse(naive.supports(new AttentionShape(1, 1024, 1024, 1, 8, 8, false)));
    }
}
