package org.jcomfy.backend.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jcomfy.backend.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ErrorFunctionTest {

    @Test
    void erf_matches_tabulated_values_on_both_sides_of_the_method_switch() {
        // Values from Python's math.erf (double precision).
        double[][] table = {
            {0.0, 0.0}, {0.1, 0.1124629160182849}, {0.5, 0.5204998778130465}, {1.0, 0.8427007929497149},
            {2.0, 0.9953222650189527}, {2.9, 0.9999589021219005}, {3.0, 0.9999779095030014},
            {3.5, 0.9999992569016276}, {5.0, 0.9999999999984626}, {-1.0, -0.8427007929497149},
        };
        for (double[] row : table) {
            assertEquals(row[1], ErrorFunction.erf(row[0]), 1e-13, "erf(" + row[0] + ")");
        }
    }

    @Test
    void the_default_gelu_is_the_erf_form() {
        Kernels k = new ReferenceKernels();
        Tensor y = k.gelu(Tensor.of(new float[] {-3f, -1f, 0f, 0.5f, 2f}, 5));
        // 0.5·x·(1 + math.erf(x/√2)) in Python doubles
        double[] expected = {-0.0040496941, -0.1586552539, 0.0, 0.3457312306, 1.9544997361};
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], y.getFloat(i), 1e-7);
    }
}
