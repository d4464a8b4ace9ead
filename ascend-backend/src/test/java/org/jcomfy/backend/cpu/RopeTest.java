package org.jcomfy.backend.cpu;

import static org.jcomfy.backend.cpu.KernelCheck.REFERENCE;
import static org.jcomfy.backend.cpu.KernelCheck.assertClose;
import static org.jcomfy.backend.cpu.KernelCheck.random;

import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;

class RopeTest {

    @Test
    void rope3d_matches_the_reference_on_wan_head_dims_32_and_128() {
        for (int headDim : new int[] {32, 128}) {
            Tensor x = random(1000 + headDim, 2, 2 * 3 * 4, 3, headDim);
            for (CpuKernels k : KernelCheck.variants()) {
                assertClose(REFERENCE.rope3d(x, 2, 3, 4), k.rope3d(x, 2, 3, 4), 1e-6, k + " headDim=" + headDim);
            }
        }
    }

    @Test
    void tokens_beyond_the_grid_pass_through_unchanged() {
        Tensor x = random(1100, 1, 9, 2, 32);
        for (CpuKernels k : KernelCheck.variants()) {
            Tensor y = k.rope3d(x, 1, 2, 3);
            assertClose(REFERENCE.rope3d(x, 1, 2, 3), y, 1e-6, k.toString());
            for (long i = 6 * 64; i < 9 * 64; i++) {
                if (x.getFloat(i) != y.getFloat(i)) throw new AssertionError(k + ": token " + i / 64 + " changed");
            }
        }
    }

    @Test
    void rope3d_leaves_its_input_alone_and_widens_bf16() {
        Tensor x = random(1200, DType.BF16, 1, 4, 1, 32);
        Tensor before = x.copy();
        for (CpuKernels k : KernelCheck.variants()) {
            assertClose(REFERENCE.rope3d(x, 1, 2, 2), k.rope3d(x, 1, 2, 2), 1e-6, k.toString());
            assertClose(before, x.toF32(), 0, "input unchanged");
        }
    }
}
