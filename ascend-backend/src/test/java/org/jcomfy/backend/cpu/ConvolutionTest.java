package org.jcomfy.backend.cpu;

import static org.jcomfy.backend.cpu.KernelCheck.REFERENCE;
import static org.jcomfy.backend.cpu.KernelCheck.assertClose;
import static org.jcomfy.backend.cpu.KernelCheck.random;

import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ConvolutionTest {

    @Test
    void conv3d_3x3x3_with_unit_stride_and_padding_matches_the_reference() {
        Tensor x = random(1300, 2, 3, 3, 5, 6);
        Tensor w = random(1301, 4, 3, 3, 3, 3), b = random(1302, 4);
        for (CpuKernels k : KernelCheck.variants()) {
            int[] stride = {1, 1, 1}, pad = {1, 1, 1};
            assertClose(REFERENCE.conv3d(x, w, b, stride, pad), k.conv3d(x, w, b, stride, pad), 1e-5, k + " padded");
            int[] none = {0, 0, 0};
            assertClose(REFERENCE.conv3d(x, w, null, stride, none), k.conv3d(x, w, null, stride, none), 1e-5, k + " valid");
        }
    }

    @Test
    void conv3d_with_strides_and_uneven_padding_matches_the_reference() {
        Tensor x = random(1400, 1, 2, 5, 7, 9);
        Tensor w = random(1401, DType.BF16, 3, 2, 3, 3, 2), b = random(1402, 3);
        int[][][] cases = {{{1, 2, 2}, {0, 1, 1}}, {{2, 1, 3}, {1, 0, 2}}, {{2, 2, 2}, {2, 2, 0}}};
        for (CpuKernels k : KernelCheck.variants()) {
            for (int[][] c : cases) {
                assertClose(REFERENCE.conv3d(x, w, b, c[0], c[1]), k.conv3d(x, w, b, c[0], c[1]), 1e-5,
                        k + " stride " + java.util.Arrays.toString(c[0]) + " pad " + java.util.Arrays.toString(c[1]));
            }
        }
    }

    @Test
    void pointwise_conv3d_uses_the_input_as_columns_directly() {
        Tensor x = random(1500, 2, 5, 2, 3, 7);
        Tensor w = random(1501, 6, 5, 1, 1, 1), b = random(1502, 6);
        int[] one = {1, 1, 1}, zero = {0, 0, 0};
        for (CpuKernels k : KernelCheck.variants()) {
            assertClose(REFERENCE.conv3d(x, w, b, one, zero), k.conv3d(x, w, b, one, zero), 1e-5, k.toString());
        }
    }

    @Test
    void enough_output_positions_for_several_blocks_per_thread_match_too() {
        // 40x40 positions with 18 taps: several column blocks across the pool
        Tensor x = random(1600, 1, 2, 1, 40, 40);
        Tensor w = random(1601, 5, 2, 1, 3, 3);
        int[] stride = {1, 1, 1}, pad = {0, 1, 1};
        for (CpuKernels k : KernelCheck.variants()) {
            assertClose(REFERENCE.conv3d(x, w, null, stride, pad), k.conv3d(x, w, null, stride, pad), 1e-5, k.toString());
        }
    }

    @Test
    void conv2d_matches_the_reference() {
        Tensor x = random(1700, 2, 3, 9, 8);
        Tensor w = random(1701, 4, 3, 3, 3), b = random(1702, 4);
        for (CpuKernels k : KernelCheck.variants()) {
            assertClose(REFERENCE.conv2d(x, w, b, new int[] {1, 1}, new int[] {1, 1}),
                    k.conv2d(x, w, b, new int[] {1, 1}, new int[] {1, 1}), 1e-5, k + " same");
            assertClose(REFERENCE.conv2d(x, w, b, new int[] {2, 2}, new int[] {0, 1}),
                    k.conv2d(x, w, b, new int[] {2, 2}, new int[] {0, 1}), 1e-5, k + " strided");
        }
    }
}
