package org.jcomfy.backend.cpu;

import static org.jcomfy.backend.cpu.KernelCheck.REFERENCE;
import static org.jcomfy.backend.cpu.KernelCheck.assertClose;
import static org.jcomfy.backend.cpu.KernelCheck.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LayoutTest {

    @Test
    void pad_matches_the_reference_on_every_dimension_and_value() {
        Tensor x = random(1800, 2, 3, 4, 5);
        long[][][] cases = {
                {{0, 0, 0, 0}, {0, 0, 0, 0}},
                {{0, 0, 0, 2}, {0, 0, 0, 1}},
                {{0, 0, 2, 0}, {0, 0, 0, 0}},
                {{1, 0, 1, 1}, {0, 2, 1, 1}},
        };
        for (CpuKernels k : KernelCheck.variants()) {
            for (long[][] c : cases) {
                assertClose(REFERENCE.pad(x, c[0], c[1], 0f), k.pad(x, c[0], c[1], 0f), 0, k + " zero");
                assertClose(REFERENCE.pad(x, c[0], c[1], -2.5f), k.pad(x, c[0], c[1], -2.5f), 0, k + " value");
            }
        }
    }

    @Test
    void concat_matches_the_reference_along_any_dimension() {
        Tensor a = random(1900, 2, 3, 4), b = random(1901, DType.BF16, 2, 3, 4);
        Tensor c = random(1902, 2, 1, 4), d = random(1903, 2, 3, 2);
        for (CpuKernels k : KernelCheck.variants()) {
            assertClose(REFERENCE.concat(List.of(a, b), 0), k.concat(List.of(a, b), 0), 0, k + " dim 0");
            assertClose(REFERENCE.concat(List.of(a, c, b), 1), k.concat(List.of(a, c, b), 1), 0, k + " dim 1");
            assertClose(REFERENCE.concat(List.of(a, d), -1), k.concat(List.of(a, d), -1), 0, k + " dim -1");
        }
    }

    @Test
    void permute_matches_the_reference_and_keeps_integer_dtypes() {
        Tensor x = random(2000, 2, 3, 4, 5);
        int[][] orders = {{0, 1, 2, 3}, {0, 2, 1, 3}, {3, 2, 1, 0}, {1, 3, 0, 2}, {0, 1, 3, 2}};
        Tensor ints = Tensor.ofLongs(new long[] {1, 2, 3, 4, 5, 6}, 2, 3);
        for (CpuKernels k : KernelCheck.variants()) {
            for (int[] order : orders) assertClose(REFERENCE.permute(x, order), k.permute(x, order), 0, k + " permute");
            Tensor t = k.permute(ints, 1, 0);
            assertEquals(DType.I64, t.dtype());
            assertArrayEquals(new long[] {1, 4, 2, 5, 3, 6}, t.toLongArray());
        }
    }

    @Test
    void slice_matches_the_reference_on_each_dimension() {
        Tensor x = random(2100, DType.BF16, 3, 4, 5);
        for (CpuKernels k : KernelCheck.variants()) {
            assertClose(REFERENCE.slice(x, 0, 1, 3), k.slice(x, 0, 1, 3), 0, k + " dim 0");
            assertClose(REFERENCE.slice(x, 1, 0, 1), k.slice(x, 1, 0, 1), 0, k + " dim 1");
            assertClose(REFERENCE.slice(x, -1, 2, 5), k.slice(x, -1, 2, 5), 0, k + " dim -1");
            assertClose(REFERENCE.slice(x, 2, 3, 3), k.slice(x, 2, 3, 3), 0, k + " empty");
        }
    }

    @Test
    void upsample_nearest_matches_the_reference() {
        Tensor x = random(2200, 2, 3, 5, 7);
        for (CpuKernels k : KernelCheck.variants()) {
            for (int f : new int[] {1, 2, 3}) {
                assertClose(REFERENCE.upsampleNearest2d(x, f), k.upsampleNearest2d(x, f), 0, k + " factor " + f);
            }
        }
    }
}
