package org.jcomfy.backend.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.jcomfy.backend.attention.AttentionImplementation;
import org.jcomfy.backend.attention.FlashAttention;
import org.jcomfy.backend.attention.NaiveAttention;
import org.jcomfy.backend.device.Devices;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.jcomfy.backend.tensor.TensorMetrics;
import org.jcomfy.backend.threads.CpuThreads;
import org.junit.jupiter.api.Test;

/** Attention over key shards, merged by log-sum-exp, is attention over all the keys. */
class PartialAttentionTest {
    private static final Kernels REFERENCE = new ReferenceKernels();

    private static Tensor random(long seed, long... shape) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(DType.F32, shape);
        for (long i = 0; i < t.numel(); i++) t.setFloat(i, (float) (rng.nextDouble() * 4 - 2));
        return t;
    }

    @Test
    void three_key_shards_merged_equal_one_attention_over_every_key() {
        Tensor q = random(1, 2, 5, 3, 8), k = random(2, 2, 12, 3, 8), v = random(3, 2, 12, 3, 6);
        float scale = 0.35f;
        for (Kernels kernels : new Kernels[] {REFERENCE, Devices.cpu().kernels()}) {
            Tensor whole = kernels.attention(q, k, v, null, scale);
            PartialAttention merged = null;
            for (int s = 0; s < 3; s++) {
                PartialAttention part = kernels.attentionWithLse(q, REFERENCE.slice(k, 1, 4 * s, 4 * s + 4),
                        REFERENCE.slice(v, 1, 4 * s, 4 * s + 4), null, scale);
                merged = merged == null ? part : merged.merge(part);
            }
            double rel = TensorMetrics.relativeL2(merged.out(), whole);
            assertTrue(rel <= 1e-6, kernels + ": relative L2 " + rel);
            assertTrue(TensorMetrics.relativeL2(merged.lse(), PartialAttention.logSumExp(q, k, null, scale)) <= 1e-6, "lse");
        }
    }

    /** Flash and naive return their softmax's own log-sum-exp; it matches the reference pass, masked rows included. */
    @Test
    void the_cpu_implementations_native_log_sum_exp_matches_the_reference_pass() {
        Tensor q = random(7, 2, 70, 3, 16), k = random(8, 2, 150, 3, 16), v = random(9, 2, 150, 3, 16);
        Tensor bias = Tensor.zeros(DType.F32, 2, 1, 70, 150);
        for (int j = 0; j < 150; j++) bias.setFloat(5 * 150 + j, Float.NEGATIVE_INFINITY);   // batch 0, query 5: every key masked
        for (int j = 140; j < 150; j++) for (int i = 0; i < 70; i++) bias.setFloat(70 * 150 + i * 150 + j, Float.NEGATIVE_INFINITY);
        CpuThreads threads = new CpuThreads(2);
        Tensor expected = PartialAttention.logSumExp(q, k, bias, 0.25f);
        assertEquals(Float.NEGATIVE_INFINITY, expected.getFloat(5 * 3));
        for (AttentionImplementation impl : List.<AttentionImplementation>of(new FlashAttention(32, 64, threads),
                new NaiveAttention(threads))) {
            PartialAttention p = impl.computeWithLse(q, k, v, bias, 0.25f);
            assertTrue(TensorMetrics.relativeL2(p.out(), impl.compute(q, k, v, bias, 0.25f)) == 0, impl.name() + ": same output");
            for (long i = 0; i < expected.numel(); i++) {
                float e = expected.getFloat(i), a = p.lse().getFloat(i);
                assertTrue(e == a || Math.abs(e - a) <= 1e-5 * Math.max(1, Math.abs(e)), impl.name() + " lse " + i + ": " + a + " vs " + e);
            }
        }
    }

    @Test
    void a_fully_masked_shard_adds_nothing_and_two_of_them_give_zeros() {
        Tensor q = random(4, 1, 3, 2, 4), k = random(5, 1, 6, 2, 4), v = random(6, 1, 6, 2, 4);
        Tensor masked = Tensor.zeros(DType.F32, 1, 1, 1, 6);
        for (int j = 0; j < 6; j++) masked.setFloat(j, Float.NEGATIVE_INFINITY);
        PartialAttention real = REFERENCE.attentionWithLse(q, k, v, null, 0.5f);
        PartialAttention none = REFERENCE.attentionWithLse(q, k, v, masked, 0.5f);
        assertEquals(Float.NEGATIVE_INFINITY, none.lse().getFloat(0));
        assertTrue(TensorMetrics.relativeL2(real.merge(none).out(), real.out()) <= 1e-7);
        PartialAttention neither = none.merge(none);
        for (long i = 0; i < neither.out().numel(); i++) assertEquals(0f, neither.out().getFloat(i));
    }
}
