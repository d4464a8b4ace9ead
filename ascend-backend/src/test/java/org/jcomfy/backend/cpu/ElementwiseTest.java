package org.jcomfy.backend.cpu;

import static org.jcomfy.backend.cpu.KernelCheck.REFERENCE;
import static org.jcomfy.backend.cpu.KernelCheck.assertClose;
import static org.jcomfy.backend.cpu.KernelCheck.random;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ElementwiseTest {
    /** Pairs of shapes that broadcast: equal, suffix, middle ones, leading ones, both sides, scalars. */
    private static final long[][][] PAIRS = {
            {{37}, {37}},
            {{2, 3, 35}, {35}},
            {{2, 3, 35}, {3, 1}},
            {{2, 1, 35}, {1, 3, 1}},
            {{1}, {2, 3}},
            {{4, 1}, {1, 19}},
            {{2, 3, 4, 5}, {1, 3, 1, 5}},
            {{2, 16, 4}, {2, 1, 4}},
            {{1, 3, 2, 2, 2}, {1, 3, 1, 1, 1}},
            {{}, {5}},
    };

    @Test
    void add_sub_and_mul_broadcast_like_torch() {
        long seed = 700;
        for (CpuKernels k : KernelCheck.variants()) {
            for (long[][] p : PAIRS) {
                Tensor a = random(seed++, p[0]), b = random(seed++, p[1]);
                assertClose(REFERENCE.add(a, b), k.add(a, b), 1e-6, k + " add");
                assertClose(REFERENCE.sub(b, a), k.sub(b, a), 1e-6, k + " sub");
                assertClose(REFERENCE.mul(a, b), k.mul(a, b), 1e-6, k + " mul");
            }
        }
    }

    @Test
    void modulate_and_gated_residual_broadcast_their_dit_vectors() {
        long seed = 800;
        for (CpuKernels k : KernelCheck.variants()) {
            Tensor x = random(seed++, 2, 5, 33);
            Tensor shift = random(seed++, 2, 1, 33), scale = random(seed++, 33), gate = random(seed++, DType.BF16, 2, 1, 33);
            assertClose(REFERENCE.modulate(x, shift, scale), k.modulate(x, shift, scale), 1e-6, k + " modulate");
            assertClose(REFERENCE.addGated(x, shift, gate), k.addGated(x, shift, gate), 1e-6, k + " addGated");
            Tensor y = random(seed++, 2, 5, 33);
            assertClose(REFERENCE.addGated(x, y, gate), k.addGated(x, y, gate), 1e-6, k + " addGated full y");
            assertClose(REFERENCE.scale(x, -1.5f), k.scale(x, -1.5f), 1e-6, k + " scale");
        }
    }

    @Test
    void large_tensors_split_across_threads_match_too() {
        Tensor a = random(900, 3, 200, 77), b = random(901, 3, 1, 77);
        for (CpuKernels k : KernelCheck.variants()) {
            assertClose(REFERENCE.add(a, b), k.add(a, b), 1e-6, k.toString());
            assertClose(REFERENCE.scale(a, 0.5f), k.scale(a, 0.5f), 1e-6, k.toString());
            // runs longer than one work piece: equal shapes, and a per-row scalar
            Tensor c = random(902, 3, 200, 77);
            assertClose(REFERENCE.mul(a, c), k.mul(a, c), 1e-6, k + " equal shapes");
            Tensor d = random(903, 2, 40001), e = random(904, 2, 1);
            assertClose(REFERENCE.sub(d, e), k.sub(d, e), 1e-6, k + " long broadcast run");
        }
    }

    @Test
    void shapes_that_do_not_broadcast_are_refused() {
        CpuKernels k = KernelCheck.variants().get(0);
        assertThrows(IllegalArgumentException.class, () -> k.add(random(1, 2, 3), random(2, 4)));
    }
}
