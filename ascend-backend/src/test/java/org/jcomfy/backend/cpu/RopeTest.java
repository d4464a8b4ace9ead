package org.jcomfy.backend.cpu;

import static org.jcomfy.backend.cpu.KernelCheck.REFERENCE;
import static org.jcomfy.backend.cpu.KernelCheck.assertClose;
import static org.jcomfy.backend.cpu.KernelCheck.random;

import java.util.List;
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

    /** A sequence-parallel rank's shard: rows 10..15 of a 2x2x3 grid are tokens 10, 11 and two past the end. */
    @Test
    void a_shard_rotated_from_its_first_token_equals_those_rows_of_the_whole_sequence() {
        Tensor whole = random(1300, 1, 14, 2, 32);
        Tensor shard = Tensor.zeros(DType.F32, 1, 4, 2, 32);
        for (long i = 0; i < shard.numel(); i++) shard.setFloat(i, whole.getFloat(10 * 64 + i));
        for (var k : List.of(REFERENCE, KernelCheck.variants().get(0), KernelCheck.variants().get(KernelCheck.variants().size() - 1))) {
            Tensor all = k.rope3d(whole, 2, 2, 3), part = k.rope3d(shard, 2, 2, 3, 10);
            for (long i = 0; i < shard.numel(); i++) {
                if (part.getFloat(i) != all.getFloat(10 * 64 + i)) throw new AssertionError(k + ": element " + i + " of the shard differs");
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
