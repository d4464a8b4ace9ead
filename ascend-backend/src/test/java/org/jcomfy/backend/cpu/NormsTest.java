package org.jcomfy.backend.cpu;

import static org.jcomfy.backend.cpu.KernelCheck.REFERENCE;
import static org.jcomfy.backend.cpu.KernelCheck.assertClose;
import static org.jcomfy.backend.cpu.KernelCheck.random;

import org.jcomfy.backend.tensor.DType;
import org.jcomfy.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;

class NormsTest {
    private static final int[] FEATURES = {1, 7, 16, 33, 100};

    @Test
    void layer_norm_matches_the_reference_with_and_without_affine_parameters() {
        long seed = 100;
        for (CpuKernels k : KernelCheck.variants()) {
            for (int d : FEATURES) {
                Tensor x = shifted(random(seed++, 3, 5, d), 3f);
                Tensor w = random(seed++, DType.BF16, d), b = random(seed++, d);
                assertClose(REFERENCE.layerNorm(x, w, b, 1e-6f), k.layerNorm(x, w, b, 1e-6f), 1e-5, k + " d=" + d);
                assertClose(REFERENCE.layerNorm(x, null, null, 1e-6f), k.layerNorm(x, null, null, 1e-6f), 1e-5, k + " plain d=" + d);
            }
        }
    }

    @Test
    void rms_norm_matches_the_reference() {
        long seed = 200;
        for (CpuKernels k : KernelCheck.variants()) {
            for (int d : FEATURES) {
                Tensor x = random(seed++, 4, d), w = random(seed++, d);
                assertClose(REFERENCE.rmsNorm(x, w, 1e-6f), k.rmsNorm(x, w, 1e-6f), 1e-5, k + " d=" + d);
                assertClose(REFERENCE.rmsNorm(x, null, 1e-5f), k.rmsNorm(x, null, 1e-5f), 1e-5, k + " no weight d=" + d);
            }
        }
    }

    @Test
    void l2_normalize_matches_the_reference_along_every_dimension() {
        Tensor x = random(300, 2, 5, 3, 37);
        for (CpuKernels k : KernelCheck.variants()) {
            for (int dim : new int[] {0, 1, 2, 3, -1}) {
                assertClose(REFERENCE.l2Normalize(x, dim, 1e-12f), k.l2Normalize(x, dim, 1e-12f), 1e-5, k + " dim=" + dim);
            }
        }
    }

    @Test
    void l2_normalize_over_channels_of_a_wide_volume_splits_its_columns() {
        // one outer index, 3·5·400 = 6000 inner columns: several column pieces
        Tensor x = random(350, 1, 4, 3, 5, 400);
        Tensor expected = REFERENCE.l2Normalize(x, 1, 1e-12f);
        for (CpuKernels k : KernelCheck.variants()) assertClose(expected, k.l2Normalize(x, 1, 1e-12f), 1e-5, k.toString());
    }

    @Test
    void l2_normalize_of_a_zero_vector_divides_by_eps() {
        Tensor x = Tensor.zeros(DType.F32, 2, 3);
        for (CpuKernels k : KernelCheck.variants()) {
            assertClose(REFERENCE.l2Normalize(x, 1, 1e-12f), k.l2Normalize(x, 1, 1e-12f), 0, k.toString());
        }
    }

    /** Adds an offset so the mean is far from zero, where one-pass variance would cancel. */
    private static Tensor shifted(Tensor t, float by) {
        for (long i = 0; i < t.numel(); i++) t.setFloat(i, t.getFloat(i) + by);
        return t;
    }
}
