package org.jcomfy.backend.cpu;

import static org.jcomfy.backend.cpu.KernelCheck.REFERENCE;
import static org.jcomfy.backend.cpu.KernelCheck.assertClose;
import static org.jcomfy.backend.cpu.KernelCheck.random;

import org.jcomfy.backend.kernels.Kernels;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ActivationsTest {
    private static final long[][] SHAPES = {{1}, {7}, {3, 17}, {2, 5, 64}, {1000}};

    @Test
    void gelu_and_silu_match_the_reference_over_a_wide_range() {
        long seed = 400;
        for (CpuKernels k : KernelCheck.variants()) {
            for (long[] shape : SHAPES) {
                Tensor x = stretched(random(seed++, shape), 12f);
                assertClose(REFERENCE.geluTanh(x), k.geluTanh(x), 1e-5, k + " gelu");
                assertClose(REFERENCE.silu(x), k.silu(x), 1e-5, k + " silu");
            }
        }
    }

    @Test
    void softmax_matches_the_reference_and_tolerates_large_logits() {
        long seed = 500;
        for (CpuKernels k : KernelCheck.variants()) {
            for (long[] shape : SHAPES) {
                Tensor x = stretched(random(seed++, shape), 80f);
                assertClose(REFERENCE.softmax(x), k.softmax(x), 1e-5, k + " softmax");
            }
        }
    }

    @Test
    void a_bf16_input_is_widened_first() {
        Tensor x = random(600, DType.BF16, 4, 19);
        for (Kernels k : KernelCheck.variants()) assertClose(REFERENCE.silu(x), k.silu(x), 1e-5, k.toString());
    }

    private static Tensor stretched(Tensor t, float by) {
        for (long i = 0; i < t.numel(); i++) t.setFloat(i, t.getFloat(i) * by);
        return t;
    }
}
