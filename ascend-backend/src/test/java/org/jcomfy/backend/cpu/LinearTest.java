package org.jcomfy.backend.cpu;

import static org.jcomfy.backend.cpu.KernelCheck.REFERENCE;
import static org.jcomfy.backend.cpu.KernelCheck.assertClose;
import static org.jcomfy.backend.cpu.KernelCheck.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.jcomfy.backend.device.BackendOptions;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LinearTest {
    private static final DType[] WEIGHT_TYPES = {DType.F32, DType.BF16, DType.F16, DType.F8_E4M3FN, DType.F8_E5M2};

    /** {M, K, N}: size one, odd sizes, non-multiples of every vector width, several tiles and blocks. */
    private static final int[][] SHAPES = {{1, 1, 1}, {1, 7, 3}, {3, 5, 7}, {5, 17, 33}, {17, 33, 19}, {70, 40, 130}};

    @Test
    void every_weight_dtype_and_shape_matches_the_reference_on_every_path() {
        long seed = 1;
        for (CpuKernels k : KernelCheck.variants()) {
            for (DType dtype : WEIGHT_TYPES) {
                for (int[] s : SHAPES) {
                    Tensor x = random(seed++, s[0], s[1]);
                    Tensor w = random(seed++, dtype, s[2], s[1]);
                    Tensor b = random(seed++, s[2]);
                    String what = k + " " + dtype + " M=" + s[0] + " K=" + s[1] + " N=" + s[2];
                    assertClose(REFERENCE.linear(x, w, b, 0.75f), k.linear(x, w, b, 0.75f), 1e-5, what + " with bias");
                    assertClose(REFERENCE.linear(x, w, null), k.linear(x, w, null), 1e-5, what + " without bias");
                }
            }
        }
    }

    @Test
    void leading_dimensions_are_kept_and_flattened_into_rows() {
        Tensor x = random(11, 2, 3, 9);
        Tensor w = random(12, DType.BF16, 5, 9);
        for (CpuKernels k : KernelCheck.variants()) {
            assertClose(REFERENCE.linear(x, w, null), k.linear(x, w, null), 1e-5, k.toString());
        }
    }

    @Test
    void a_narrow_weight_too_big_for_one_scratch_block_is_widened_in_several() {
        // with 2 or 3 threads each gets over 1024 rows of 4096, more than the 2^22-float
        // widening block, so each thread widens its rows in two pieces
        Tensor x = random(21, 1, 4096);
        Tensor w = random(22, DType.BF16, 3100, 4096);
        Tensor b = random(23, DType.BF16, 3100);
        Tensor expected = REFERENCE.linear(x, w, b);
        for (CpuKernels k : KernelCheck.variants()) {
            assertClose(expected, k.linear(x, w, b), 1e-5, k.toString());
        }
    }

    @Test
    void tensors_wrapped_around_java_arrays_work_on_every_path() {
        Tensor x = random(31, 5, 20), w = random(32, 9, 20);
        Tensor xHeap = Tensor.wrap(MemorySegment.ofArray(x.toFloatArray()), DType.F32, 5, 20);
        Tensor wHeap = Tensor.wrap(MemorySegment.ofArray(w.toFloatArray()), DType.F32, 9, 20);
        Tensor expected = REFERENCE.linear(x, w, null);
        for (CpuKernels k : KernelCheck.variants()) {
            assertClose(expected, k.linear(xHeap, wHeap, null), 1e-5, k.toString());
        }
    }

    @Test
    void the_work_grid_uses_every_thread_in_the_squarest_blocks_it_can() {
        assertArrayEquals(new int[] {2, 1}, Linear.grid(4096, 1536, 2));
        assertArrayEquals(new int[] {1, 2}, Linear.grid(4096, 8960, 2));
        assertArrayEquals(new int[] {8, 2}, Linear.grid(4096, 1536, 16));
        assertArrayEquals(new int[] {1, 16}, Linear.grid(1, 1536, 16));
        assertArrayEquals(new int[] {1, 1}, Linear.grid(3, 5, 16));
        assertArrayEquals(new int[] {1, 3}, Linear.grid(70, 200, 3));
    }

    @Test
    void the_default_table_uses_openblas_on_this_platform() {
        assertTrue(OpenBlas.available(), "OpenBLAS should load from the linux-x86_64 classifier jar");
        assertTrue(((CpuKernels) new CpuDevice(BackendOptions.defaults()).kernels()).usesNativeBlas());
    }

    @Test
    void a_weight_that_does_not_match_the_input_is_refused() {
        CpuKernels k = KernelCheck.variants().get(0);
        assertThrows(IllegalArgumentException.class, () -> k.linear(random(1, 2, 3), random(2, 4, 5), null));
    }
}
